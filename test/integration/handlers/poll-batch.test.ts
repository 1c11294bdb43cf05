// The fan-out as Lambda runs it: the scheduled poll function plans (its batch queue on fauxqs,
// through the real SQS client), the worker function takes the batches as SQS events, and the one
// that stores the last batch publishes the alert through SNS (fauxqs). Real dynalite behind a
// recorder, so the workers' requests are held to the granted table actions too.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PASS_LOG_EVENTS } from '../../../lambdas/adapters/pass-log.ts';
import { readPollEnv } from '../../../lambdas/config/env.ts';
import { loadConfig } from '../../../lambdas/config/load.ts';
import type { Store } from '../../../lambdas/core/ports.ts';
import { createBatchHandler } from '../../../lambdas/handlers/poll-batch.ts';
import { createPollHandler } from '../../../lambdas/handlers/poll.ts';
import { readTrends } from '../../../lambdas/query/read.ts';
import { TABLE_ACTIONS } from '../../../lib/constructs/node-function.ts';
import { startTestBatchQueue } from '../../helpers/batch-queue.ts';
import { startDynamoRecorder, type DynamoRecorder } from '../../helpers/dynamo-recorder.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { startFauxqsTopic, type FauxqsTopic } from '../../helpers/fauxqs.ts';
import { rssFeed, type FeedEntry } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';
import { lambdaContext, scheduledEvent } from '../../helpers/lambda-events.ts';

const START = Date.now();
const SOURCES = ['forum', 'news', 'fansite'];

function entries(prefix: string): FeedEntry[] {
  const quiet = Array.from({ length: 8 }, (_, i) => ({ title: `${prefix}: Bosch Legacy rewatch ${i}`, link: `https://${prefix}.example/q/${i}`, published: new Date(START - (3 + 5 * i) * 3_600_000) }));
  const wave = Array.from({ length: 10 }, (_, i) => ({
    title: `${prefix}: sign the petition to save Bosch Legacy #${i}`,
    link: `https://${prefix}.example/p/${i}`,
    published: new Date(START - (1 + i) * 60_000),
    description: 'change.org petition',
  }));
  return [...quiet, ...wave];
}

let server: TestServer;
let dynamo: TestDynamo;
let sns: FauxqsTopic;
let recorder: DynamoRecorder;
let configFile: string;

beforeAll(async () => {
  server = await startTestServer();
  for (const source of SOURCES) server.route(`/${source}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(source, entries(source))));
  [dynamo, sns] = await Promise.all([startTestDynamo(), startFauxqsTopic()]);
  recorder = await startDynamoRecorder(dynamo.endpoint);
  configFile = join(await mkdtemp(join(tmpdir(), 'fanpulse-poll-batch-')), 'fanpulse.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
      sources: SOURCES.map((id) => ({ id, type: 'rss', url: `${server.url}/${id}.xml`, topics: ['bosch-legacy'] })),
      // One source an invocation: three batches.
      poll: { timeoutMs: 60_000, sourcesPerInvocation: 1 },
    }),
  );
});

afterAll(async () => {
  await Promise.all([server?.close(), recorder?.close(), sns?.close()]);
  await dynamo?.close();
});

async function trends(store: Store) {
  const hourly = await readTrends(store, await loadConfig(configFile), { since: '3d', bucket: 'hour', format: 'json' }, new Date());
  return hourly.filter((b) => b.posts > 0);
}

function envFor(tableName: string, queueUrl: string) {
  return readPollEnv({
    FANPULSE_TABLE: tableName,
    FANPULSE_CONFIG_FILE: configFile,
    FANPULSE_TOPIC_ARN: sns.topicArn,
    FANPULSE_BATCH_QUEUE_URL: queueUrl,
    DYNAMODB_ENDPOINT: recorder.endpoint,
    SNS_ENDPOINT: sns.endpoint,
    SQS_ENDPOINT: sns.endpoint,
    AWS_REGION: sns.region,
  });
}

/** The JSON lines Powertools' logger writes while `work` runs. */
async function loggedLines(work: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await work();
  } finally {
    vi.restoreAllMocks();
  }
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the fan-out worker function', () => {
  it('polls the batches the scheduled pass queued, one alert published by the worker that stores the last, and reports a malformed batch alone', async () => {
    const { store, tableName } = await dynamo.newStore();
    const batches = startTestBatchQueue(sns);
    const env = envFor(tableName, batches.queueUrl);
    const json = await loggedLines(async () => {
      recorder.reset();
      const planned = await createPollHandler(() => env, new Logger({ logLevel: 'SILENT' }))(scheduledEvent(), lambdaContext('poll'));
      expect(planned.fannedOut?.batches).toBe(3);
      expect(batches.depth()).toBe(3);

      const worker = createBatchHandler(() => env, new Logger({ serviceName: 'fanpulse-test' }));
      const records = [...(await batches.receive(10)), ...(await batches.receive(10)), ...(await batches.receive(10))];
      expect(records).toHaveLength(3);
      const malformed = { ...records[0]!, messageId: 'not-a-batch', body: '{"passId":"x"}' };
      const answers = [];
      for (const record of [malformed, ...records]) answers.push(await worker({ Records: [record] } satisfies SQSEvent, lambdaContext('worker')));
      expect(answers).toEqual([{ batchItemFailures: [{ itemIdentifier: 'not-a-batch' }] }, { batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }]);
      await batches.settle(records, []);
    });

    const stored = await trends(store);
    expect(stored.reduce((n, b) => n + b.posts, 0)).toBe(SOURCES.length * entries('x').length);
    expect(stored.reduce((n, b) => n + b.petitionMentions, 0)).toBe(SOURCES.length * 10);
    expect((await sns.receiveOne()).envelope?.MessageAttributes?.topic?.Value).toBe('bosch-legacy');
    expect(await sns.receive({ waitSeconds: 1 })).toHaveLength(0);
    expect(batches.depth()).toBe(0);

    // Each batch logs its sources and its own totals; the monitoring queries add them up.
    expect(json.filter((l) => l.event === PASS_LOG_EVENTS.source).map((l) => l.source)).toEqual(SOURCES);
    const passes = json.filter((l) => l.event === PASS_LOG_EVENTS.pass);
    expect(passes.reduce((n, l) => n + Number(l.newPosts), 0)).toBe(SOURCES.length * entries('x').length);
    expect(passes.map((l) => l.alertsDelivered)).toEqual([0, 0, 1]);

    const sent = new Set(recorder.calls.map((c) => `dynamodb:${c.operation}`));
    expect([...sent].filter((action) => !(TABLE_ACTIONS['read-write'] as readonly string[]).includes(action))).toEqual([]);
  });

  it("answers Lambda's second delivery of the scheduled event with the pass it planned, and finishes the pass once when SQS hands the last batch to two workers at once", async () => {
    const { store, tableName } = await dynamo.newStore();
    const batches = startTestBatchQueue(sns);
    const env = envFor(tableName, batches.queueUrl);
    const event = scheduledEvent();
    const json = await loggedLines(async () => {
      const poll = createPollHandler(() => env, new Logger({ logLevel: 'SILENT' }));
      const planned = await poll(event, lambdaContext('poll'));
      // Delivered again (Lambda retries an attempt that failed after it queued, or hands an event over twice).
      const again = await poll(event, lambdaContext('poll'));
      expect(again.fannedOut).toEqual(planned.fannedOut);
      expect(batches.depth()).toBe(3);

      const worker = createBatchHandler(() => env, new Logger({ serviceName: 'fanpulse-test' }));
      for (let i = 0; i < 2; i++) {
        const records = await batches.receive(1);
        expect(await worker({ Records: records } satisfies SQSEvent, lambdaContext('worker'))).toEqual({ batchItemFailures: [] });
        await batches.settle(records, []);
      }
      const last = await batches.receive(1);
      const answers = await Promise.all([1, 2].map(() => worker({ Records: last } satisfies SQSEvent, lambdaContext('worker'))));
      expect(answers).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      await batches.settle(last, []);
    });

    const passes = json.filter((l) => l.event === PASS_LOG_EVENTS.pass);
    expect(passes).toHaveLength(4);
    expect(passes.filter((l) => l.finishedPass === true)).toHaveLength(1);
    expect(new Set(passes.map((l) => l.passId))).toEqual(new Set([expect.stringMatching(/^pass-/)]));
    const stored = await trends(store);
    expect(stored.reduce((n, b) => n + b.posts, 0)).toBe(SOURCES.length * entries('x').length);
    expect((await sns.receiveOne()).envelope?.MessageAttributes?.topic?.Value).toBe('bosch-legacy');
    expect(await sns.receive({ waitSeconds: 1 })).toHaveLength(0);
  });
});
