// Environment → adapters for the Lambda handlers, built once per container (at its first event).
// The same adapters the CLI uses, pointed at the stack's table, topic and bundled config.

import { SNSClient } from '@aws-sdk/client-sns';
import { endpointSettings } from '../adapters/aws-endpoint.ts';
import { createSqsBatchQueue } from '../adapters/batch-queue.ts';
import { createChannels } from '../adapters/channels/create-channel.ts';
import { createDocumentClient } from '../adapters/dynamo-client.ts';
import { createDynamoStore } from '../adapters/dynamo-store.ts';
import { createHttpFetcher } from '../adapters/http-fetcher.ts';
import { createSnsSink } from '../adapters/sns-sink.ts';
import { createSources } from '../adapters/sources/create-source.ts';
import type { PollEnv, QueryEnv } from '../config/env.ts';
import { readSecretCredentials } from '../config/secrets.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { AlertMessageContext } from '../core/alert-message.ts';
import type { BatchQueue } from '../core/fan-out-plan.ts';
import type { AlertChannel, AlertSink, Clock, Source, Store } from '../core/ports.ts';

export interface QueryWiring {
  config: Config;
  store: Store;
}

export interface PollWiring extends QueryWiring {
  sources: Source[];
  sink: AlertSink;
  channels: AlertChannel[];
  /** Set when the stack fans passes out (a campaign with more sources than one invocation polls). */
  queue: BatchQueue | undefined;
}

export async function wireQuery(env: QueryEnv): Promise<QueryWiring> {
  // Validated at synth with the same schema; loading it again here gives the defaults.
  const config = await loadConfig(env.FANPULSE_CONFIG_FILE);
  const client = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });
  // The stack owns the table: never create one from a Lambda.
  return { config, store: createDynamoStore({ client, tableName: env.FANPULSE_TABLE, createIfMissing: false }) };
}

export async function wirePoll(env: PollEnv): Promise<PollWiring> {
  const { config, store } = await wireQuery(env);
  // Credentials: the stack's secret (read once per container) over the function's environment.
  const credentials = { ...process.env, ...(await readSecretCredentials(env)) };
  const sns = new SNSClient(endpointSettings({ endpoint: env.SNS_ENDPOINT, region: env.AWS_REGION }));
  // Alerts link the public dashboard, else quote the command that reads this table from a laptop.
  const message: AlertMessageContext = {
    timeZone: config.alerts.timeZone,
    pageUrl: env.FANPULSE_PAGE_URL,
    store: { kind: 'table', table: env.FANPULSE_TABLE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT, configPath: env.FANPULSE_CONFIG_SOURCE ?? 'fanpulse.config.json' },
  };
  return {
    config,
    store,
    sources: createSources(config, createHttpFetcher(config.poll), { credentials, sessions: store }),
    sink: createSnsSink({ client: sns, topicArn: env.FANPULSE_TOPIC_ARN, message }),
    // Discord, Slack, Telegram, webhooks: their URLs and tokens from the same credentials as the sources.
    channels: createChannels(config.notify, config.poll, credentials, message),
    queue: env.FANPULSE_BATCH_QUEUE_URL ? createSqsBatchQueue({ queueUrl: env.FANPULSE_BATCH_QUEUE_URL, endpoint: env.SQS_ENDPOINT, region: env.AWS_REGION }) : undefined,
  };
}

/** The handlers' time: the machine's, unless a test hands them its own. */
export const systemClock: Clock = { now: () => new Date() };

/** Runs `wire` on first use and keeps the result; a failed start is retried on the next event. */
export function once<T>(wire: () => Promise<T>): () => Promise<T> {
  let wired: Promise<T> | undefined;
  return () =>
    (wired ??= wire().catch((error: unknown) => {
      wired = undefined;
      throw error;
    }));
}
