// The Lambda bundles `cdk synth` produces, run as Lambda would run them: the minified ES modules
// from the cloud assembly, with the environment the template gives each function (its Refs resolved
// to a local table and topic, /var/task to the bundle's directory), against dynalite, fauxqs and a
// local feed server, and the credentials secret from a local Secrets Manager. Catches what only bundling breaks: CommonJS dependencies, JSON imports, the
// bundled config file, the SDK inside the bundle.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PassReport } from '../../lambdas/core/pipeline.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { startFauxqsTopic, type FauxqsTopic } from '../helpers/fauxqs.ts';
import { rssFeed } from '../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { apiEvent, lambdaContext, scheduledEvent } from '../helpers/lambda-events.ts';
import { startTestSecretsManager, type TestSecretsManager } from '../helpers/secrets-manager.ts';
import { synthFanpulse } from '../helpers/cdk.ts';

let server: TestServer;
let dynamo: TestDynamo;
let sns: FauxqsTopic;
let secrets: TestSecretsManager;
let secretArn: string;
let tableName: string;
let synth: Awaited<ReturnType<typeof synthFanpulse>>;
const now = Date.now();
const originalEnv = { ...process.env };

beforeAll(async () => {
  // Two quiet days, then a petition wave in the last minutes: enough history for the detector.
  const quiet = Array.from({ length: 12 }, (_, i) => ({ title: `Bosch Legacy rewatch ${i}`, link: `https://fans.example/q${i}`, published: new Date(now - (3 + 4 * i) * 3_600_000) }));
  const wave = Array.from({ length: 30 }, (_, i) => ({
    title: `Sign the petition to save Bosch Legacy #${i}`,
    link: `https://fans.example/${i}`,
    published: new Date(now - ((i % 10) + 1) * 60_000),
    description: 'change.org petition',
  }));
  const posts = [...quiet, ...wave];
  server = await startTestServer({ '/feed.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Fans', posts)) });
  [dynamo, sns, secrets] = await Promise.all([startTestDynamo(), startFauxqsTopic(), startTestSecretsManager()]);
  tableName = (await dynamo.newStore()).tableName;
  secretArn = secrets.putSecretString('FanpulseCredentialsSecret', JSON.stringify({ YOUTUBE_API_KEY: 'AIza-bundle-test' }));
  const config = join(await mkdtemp(join(tmpdir(), 'fanpulse-bundles-')), 'fanpulse.config.json');
  await writeFile(
    config,
    JSON.stringify({
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
      sources: [{ id: 'fans', type: 'rss', url: `${server.url}/feed.xml`, topics: ['bosch-legacy'] }],
    }),
  );
  synth = await synthFanpulse({ alertEmail: 'ops@example.com', config });
}, 120_000);

afterAll(async () => {
  process.env = originalEnv;
  await Promise.all([server?.close(), dynamo?.close(), sns?.close(), secrets?.close()]);
});

/**
 * Loads a function's bundle with the environment its template sets, resolved to the local stand-ins,
 * minus the variables named in `without`; each load is a new module instance (a new container).
 */
let loads = 0;
async function loadBundle<E, R>(logicalIdPrefix: string, without: string[] = []): Promise<(event: E, context: Context) => Promise<R>> {
  const [, fn] = Object.entries(synth.template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(logicalIdPrefix))!;
  const dir = join(synth.outdir, fn.Metadata['aws:asset:path']);
  const local = (value: unknown): string => {
    if (typeof value === 'string') return value.replace(/^\/var\/task\//, `${dir}/`);
    const ref = (value as { Ref?: string }).Ref ?? '';
    if (ref.startsWith('StorageTable')) return tableName;
    if (ref.startsWith('AlertingTopic')) return sns.topicArn;
    if (ref.startsWith('CredentialsSecret')) return secretArn;
    throw new Error(`no local value for ${JSON.stringify(value)}`);
  };
  const variables = Object.fromEntries(Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>).map(([k, v]) => [k, local(v)]));
  // Only the emulators' endpoints are added: everything else is what the stack sets.
  Object.assign(process.env, variables, { DYNAMODB_ENDPOINT: dynamo.endpoint, SNS_ENDPOINT: sns.endpoint, SECRETS_MANAGER_ENDPOINT: secrets.endpoint, AWS_REGION: sns.region });
  for (const name of without) delete process.env[name];
  const module = (await import(`${pathToFileURL(join(dir, 'index.mjs')).href}?container=${++loads}`)) as { handler: (event: E, context: Context) => Promise<R> };
  return module.handler;
}

// Loading a 1.4 MB bundle as a new module instance and running a pass takes seconds, and many
// times that on a loaded 2-core machine.
const BUNDLE_TEST_TIMEOUT = 120_000;

describe('the synthesised bundles', () => {
  it('the poll bundle runs a pass from a scheduled event, reading the credentials secret once, and publishes the alert', async () => {
    const handler = await loadBundle<ReturnType<typeof scheduledEvent>, PassReport>('PollingFunction');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const report = await handler(scheduledEvent(), lambdaContext('poll')).finally(() => vi.restoreAllMocks());
    expect(report.sources).toEqual([{ sourceId: 'fans', status: 'ok', items: 42, counted: 42, unreadable: 0 }]);
    expect(report.newPosts).toBe(42);
    expect(report.alertsDelivered).toHaveLength(1);
    expect((await sns.receiveOne()).envelope?.Subject).toContain('Bosch: Legacy');
    // The Secrets Manager client inside the bundle asked for the secret the template names.
    expect(secrets.calls).toEqual([secretArn]);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await handler(scheduledEvent(), lambdaContext('poll')).finally(() => vi.restoreAllMocks());
    expect(secrets.calls).toEqual([secretArn]);
  }, BUNDLE_TEST_TIMEOUT);

  it('the poll bundle runs without a credentials secret, from the environment alone', async () => {
    secrets.calls.length = 0;
    const handler = await loadBundle<ReturnType<typeof scheduledEvent>, PassReport>('PollingFunction', ['FANPULSE_SECRET_ARN']);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const report = await handler(scheduledEvent(), lambdaContext('poll')).finally(() => vi.restoreAllMocks());
    expect(report.sources).toMatchObject([{ sourceId: 'fans', status: 'ok', items: 42 }]);
    expect(report.newPosts).toBe(0);
    expect(secrets.calls).toEqual([]);
  }, BUNDLE_TEST_TIMEOUT);

  it('the query bundle answers the trends API from the bundled config, and rejects a bad parameter', async () => {
    const handler = await loadBundle<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>('QueryApiFunction');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const sources = await handler(apiEvent('/sources'), lambdaContext('query'));
      expect(sources.statusCode).toBe(200);
      expect(JSON.parse(sources.body!)).toMatchObject([{ sourceId: 'fans', type: 'rss', health: 'ok' }]);
      const trends = await handler(apiEvent('/trends', { since: '2h', format: 'csv' }), lambdaContext('query'));
      expect(trends.statusCode).toBe(200);
      expect(trends.body!.split('\n')[0]).toBe('topic,source,bucketStart,posts,petitionMentions,positive,negative,neutral,sentimentMean');
      const bad = await handler(apiEvent('/trends', { bucket: 'week' }), lambdaContext('query'));
      expect(bad.statusCode).toBe(400);
      expect(JSON.parse(bad.body!)).toEqual({ error: 'bucket: must be "hour" or "day"' });
    } finally {
      vi.restoreAllMocks();
    }
  }, BUNDLE_TEST_TIMEOUT);
});
