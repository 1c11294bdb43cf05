// The poll Lambda with the stack's credentials secret: read through the real Secrets Manager client
// from a local server in the service's shape, once per container, its values over the function's
// environment, handed to the sources by name. A reddit source against a local Reddit shows which
// app credentials arrived: its token request carries them as HTTP basic auth.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readPollEnv } from '../../../lambdas/config/env.ts';
import { ConfigError } from '../../../lambdas/core/errors.ts';
import { createPollHandler } from '../../../lambdas/handlers/poll.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { lambdaContext, scheduledEvent } from '../../helpers/lambda-events.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';
import { startTestSecretsManager, type TestSecretsManager } from '../../helpers/secrets-manager.ts';

const TOKEN_PATH = '/api/v1/access_token';
const NEW = '/r/BoschLegacy/new.json';
const fixture = (name: string) => readFile(new URL(`../../fixtures/reddit/${name}`, import.meta.url), 'utf8');

let reddit: TestServer;
let secrets: TestSecretsManager;
let dynamo: TestDynamo;
let configFile: string;
const originalEnv = { ...process.env };

beforeAll(async () => {
  const [token, empty] = await Promise.all([fixture('token.json'), fixture('empty.json')]);
  reddit = await startTestServer({
    [TOKEN_PATH]: (_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(token),
    [NEW]: (_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(empty),
  });
  [secrets, dynamo] = await Promise.all([startTestSecretsManager(), startTestDynamo()]);
  configFile = join(await mkdtemp(join(tmpdir(), 'fanpulse-poll-credentials-')), 'fanpulse.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'] }],
      sources: [{ id: 'reddit', type: 'reddit', subreddit: 'BoschLegacy', include: ['posts'], baseUrl: reddit.url, topics: ['bosch-legacy'] }],
      poll: { timeoutMs: 5000 },
    }),
  );
});

afterAll(async () => {
  await Promise.all([reddit?.close(), secrets?.close(), dynamo?.close()]);
});

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...originalEnv };
  reddit.requests.length = 0;
  secrets.calls.length = 0;
  secrets.failWith(null);
});

/** A poll function instance, as one Lambda container would run it, given the stack's secret or none. */
async function pollFunction(secretArn?: string) {
  const { tableName } = await dynamo.newStore();
  const env = {
    FANPULSE_TABLE: tableName,
    FANPULSE_CONFIG_FILE: configFile,
    FANPULSE_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:fanpulse-alerts',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SECRETS_MANAGER_ENDPOINT: secrets.endpoint,
    AWS_REGION: secrets.region,
    ...(secretArn ? { FANPULSE_SECRET_ARN: secretArn } : {}),
  };
  return createPollHandler(() => readPollEnv(env), new Logger({ logLevel: 'SILENT' }));
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const tokenRequests = () => reddit.requests.filter((r) => r.path === TOKEN_PATH);

describe('poll handler with the credentials secret', () => {
  it("hands the secret's values to the sources, reading the secret once per container", async () => {
    const arn = secrets.putSecretString('fanpulse-once', JSON.stringify({ REDDIT_CLIENT_ID: 'once-id', REDDIT_CLIENT_SECRET: 'once-secret' }));
    const poll = await pollFunction(arn);
    const first = await poll(scheduledEvent(), lambdaContext('poll'));
    const second = await poll(scheduledEvent(), lambdaContext('poll'));

    expect(first.sources).toEqual([{ sourceId: 'reddit', status: 'ok', items: 0, counted: 0, unreadable: 0 }]);
    expect(second.sources.map((s) => s.status)).toEqual(['ok']);
    expect(secrets.calls).toEqual([arn]);
    // OAuth, with the secret's app: the token is requested once and kept for the second pass.
    expect(tokenRequests().map((r) => r.headers.authorization)).toEqual([basic('once-id', 'once-secret')]);
    expect(reddit.requests.filter((r) => r.path === NEW).map((r) => r.headers.authorization)).toEqual([expect.stringMatching(/^bearer /), expect.stringMatching(/^bearer /)]);

    // A new container reads it again, so a value put since then is used.
    secrets.putSecretString('fanpulse-once', JSON.stringify({ REDDIT_CLIENT_ID: 'once-id-2', REDDIT_CLIENT_SECRET: 'once-secret-2' }));
    await (await pollFunction(arn))(scheduledEvent(), lambdaContext('poll'));
    expect(secrets.calls).toEqual([arn, arn]);
    expect(tokenRequests().at(-1)?.headers.authorization).toBe(basic('once-id-2', 'once-secret-2'));
  });

  it("overrides the function's environment with the secret's values", async () => {
    Object.assign(process.env, { REDDIT_CLIENT_ID: 'env-id', REDDIT_CLIENT_SECRET: 'env-secret' });
    const arn = secrets.putSecretString('fanpulse-override', JSON.stringify({ REDDIT_CLIENT_ID: 'override-id', REDDIT_CLIENT_SECRET: 'override-secret' }));
    await (await pollFunction(arn))(scheduledEvent(), lambdaContext('poll'));
    expect(tokenRequests().map((r) => r.headers.authorization)).toEqual([basic('override-id', 'override-secret')]);
  });

  it('reads with the environment alone, asking Secrets Manager nothing, when the stack names no secret', async () => {
    const report = await (await pollFunction())(scheduledEvent(), lambdaContext('poll'));
    expect(secrets.calls).toEqual([]);
    // No app credentials anywhere: no token is asked for.
    expect(tokenRequests()).toEqual([]);
    expect(report.sources.map((s) => s.sourceId)).toEqual(['reddit']);
  });

  it('fails the invocation when the secret cannot be read, and reads it again at the next event', async () => {
    const arn = secrets.putSecretString('fanpulse-retry', JSON.stringify({ REDDIT_CLIENT_ID: 'retry-id', REDDIT_CLIENT_SECRET: 'retry-secret' }));
    const poll = await pollFunction(arn);
    secrets.failWith({ status: 400, type: 'AccessDeniedException', message: 'not authorized to perform: secretsmanager:GetSecretValue' });
    const failed = poll(scheduledEvent(), lambdaContext('poll'));
    await expect(failed).rejects.toBeInstanceOf(ConfigError);
    await expect(failed).rejects.toThrow(`cannot read the credentials secret ${arn}: the poll function's role may not read it`);
    expect(reddit.requests).toEqual([]);

    secrets.failWith(null);
    const report = await poll(scheduledEvent(), lambdaContext('poll'));
    expect(report.sources.map((s) => s.status)).toEqual(['ok']);
    expect(secrets.calls).toEqual([arn, arn]);
    expect(tokenRequests().map((r) => r.headers.authorization)).toEqual([basic('retry-id', 'retry-secret')]);
  });

  it('fails the invocation, naming the secret and the key, when a value is not a string', async () => {
    const arn = secrets.putSecretString('fanpulse-bad', JSON.stringify({ YOUTUBE_API_KEY: 42 }));
    const poll = await pollFunction(arn);
    await expect(poll(scheduledEvent(), lambdaContext('poll'))).rejects.toThrow(`invalid credentials secret ${arn}:\n  - YOUTUBE_API_KEY: must be a string in quotes, not a number`);
  });
});
