// The environment, read once and typed. Empty strings count as unset; nothing defaults to ''.

import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { formatConfigIssues } from './load.ts';

const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
// http(s) only: z.url() alone takes "localhost:8000" as a URL with the scheme "localhost:".
const endpoint = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8000' }).optional(),
);

/** A Reddit app's id and secret (https://www.reddit.com/prefs/apps): the `reddit` sources read through OAuth. */
const redditCredentials = {
  REDDIT_CLIENT_ID: optional,
  REDDIT_CLIENT_SECRET: optional,
};

// Half a pair would silently fall back to the public listings: say so instead.
const bothOrNeither = (env: { REDDIT_CLIENT_ID?: string; REDDIT_CLIENT_SECRET?: string }, ctx: z.RefinementCtx) => {
  if ((env.REDDIT_CLIENT_ID === undefined) !== (env.REDDIT_CLIENT_SECRET === undefined)) {
    const missing = env.REDDIT_CLIENT_ID === undefined ? 'REDDIT_CLIENT_ID' : 'REDDIT_CLIENT_SECRET';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET together (or neither, for the public listings)' });
  }
};

/**
 * The credential pairs over a merged view (the function's environment under the stack's secret,
 * lambdas/config/secrets.ts): the same rule as for the environment alone.
 */
export const credentialPairsSchema = z.object(redditCredentials).superRefine(bothOrNeither);

/** The Reddit app credentials when both are set. */
export function redditCredentialsFrom(env: { REDDIT_CLIENT_ID?: string; REDDIT_CLIENT_SECRET?: string }) {
  return env.REDDIT_CLIENT_ID !== undefined && env.REDDIT_CLIENT_SECRET !== undefined
    ? { clientId: env.REDDIT_CLIENT_ID, clientSecret: env.REDDIT_CLIENT_SECRET }
    : undefined;
}

const envSchema = z
  .object({
    /** Any DynamoDB endpoint (DynamoDB Local, a dynalite you run); unset = embedded or AWS. */
    DYNAMODB_ENDPOINT: endpoint,
    /** A deployed or existing table; unset = the embedded store's own table. */
    FANPULSE_TABLE: optional,
    AWS_REGION: optional,
    AWS_DEFAULT_REGION: optional,
    ...redditCredentials,
  })
  .superRefine(bothOrNeither);

export type Env = z.output<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) throw new ConfigError(`invalid environment:\n${formatConfigIssues(result.error)}`);
  return result.data;
}

// The Lambdas' environment, set by the stack (lib/constructs/). Endpoints are for tests and local
// emulators only; in AWS they are unset and the SDK uses the regional endpoints.
const required = (what: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.string({ error: `is required: ${what}` }));

const lambdaEnvSchema = z.object({
  FANPULSE_TABLE: required('the DynamoDB table the stack created'),
  FANPULSE_CONFIG_FILE: required('the monitor config bundled with the function, e.g. /var/task/fanpulse.config.json'),
  DYNAMODB_ENDPOINT: endpoint,
  AWS_REGION: optional,
  /** The dashboard page bundled with a public query API (web/dist's files); unset: the API alone. */
  FANPULSE_PAGE_DIR: optional,
});

const pollEnvSchema = lambdaEnvSchema
  .extend({
    FANPULSE_TOPIC_ARN: required('the SNS topic alerts are published to'),
    /** The public dashboard's address (publicApi=true): alert e-mails link to it. */
    FANPULSE_PAGE_URL: endpoint,
    /** The config file as deployed from (relative to the project): the commands alerts quote name it. */
    FANPULSE_CONFIG_SOURCE: optional,
    SNS_ENDPOINT: endpoint,
    /** The fan-out's batch queue (lib/constructs/fan-out.ts); unset: every pass polls all sources in one invocation. */
    FANPULSE_BATCH_QUEUE_URL: optional,
    SQS_ENDPOINT: endpoint,
    /** The stack's credentials secret (its ARN); unset = credentials from the environment only. */
    FANPULSE_SECRET_ARN: optional,
    SECRETS_MANAGER_ENDPOINT: endpoint,
    ...redditCredentials,
  })
  .superRefine(bothOrNeither);

export type QueryEnv = z.output<typeof lambdaEnvSchema>;
export type PollEnv = z.output<typeof pollEnvSchema>;

function readWith<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(source);
  if (!result.success) throw new ConfigError(`invalid environment:\n${formatConfigIssues(result.error)}`);
  return result.data;
}

export const readQueryEnv = (source: NodeJS.ProcessEnv = process.env): QueryEnv => readWith(lambdaEnvSchema, source);
export const readPollEnv = (source: NodeJS.ProcessEnv = process.env): PollEnv => readWith(pollEnvSchema, source);
