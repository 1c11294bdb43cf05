// The poll Lambda as the schedule invokes it: real dynalite through the AWS SDK, real local feed
// servers, and SNS through the real SNS client against fauxqs. Retries and overlapping invocations
// must leave the counts of one pass and send one alert.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PASS_LOG_EVENTS } from '../../../lambdas/adapters/pass-log.ts';
import { readPollEnv } from '../../../lambdas/config/env.ts';
import { loadConfig } from '../../../lambdas/config/load.ts';
import { ConfigError, StoreError } from '../../../lambdas/core/errors.ts';
import type { Store } from '../../../lambdas/core/ports.ts';
import { readTrends } from '../../../lambdas/query/read.ts';
import { createPollHandler } from '../../../lambdas/handlers/poll.ts';
import { TABLE_ACTIONS } from '../../../lib/constructs/node-function.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { startDynamoRecorder, type DynamoRecorder } from '../../helpers/dynamo-recorder.ts';
import { startFauxqsTopic, type FauxqsTopic } from '../../helpers/fauxqs.ts';
import { rssFeed, type FeedEntry } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';
import { lambdaContext, scheduledEvent } from '../../helpers/lambda-events.ts';

// The handler runs on the real clock, so the feeds are built around it: two quiet days, then a
// petition wave in the last minutes (in the detector's window whatever the minute of the hour).
const START = Date.now();
const ago = (hours: number, minutes = 0) => new Date(START - hours * 3_600_000 - minutes * 60_000);

function entries(prefix: string): FeedEntry[] {
  const quiet: FeedEntry[] = [];
  for (let h = 47; h >= 3; h -= 4) {
    quiet.push({ title: `${prefix}: Bosch Legacy rewatch ${h}`, link: `https://fans.example/${prefix}/${h}`, published: ago(h, 5), description: 'Great acting, loved it' });
  }
  const wave = Array.from({ length: 20 }, (_, i) => ({
    title: `${prefix}: sign the petition to save Bosch Legacy #${i}`,
    link: `https://fans.example/${prefix}/petition-${i}`,
    published: ago(0, 1 + (i % 10)),
    description: 'Cancelled too soon. Please sign the change.org petition!',
  }));
  return [...quiet, ...wave];
}

let server: TestServer;
let dynamo: TestDynamo;
let sns: FauxqsTopic;
let recorder: DynamoRecorder;
let configFile: string;
const quiet = () => new Logger({ logLevel: 'SILENT' });

beforeAll(async () => {
  // No validators: every invocation fetches and ingests the whole feed again, so a retry really
  // offers the store every post a second time.
  server = await startTestServer({
    '/forum.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Forum', entries('forum'))),
    '/news.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('News', entries('news'))),
  });
  [dynamo, sns] = await Promise.all([startTestDynamo(), startFauxqsTopic()]);
  // The handlers talk to dynalite through a recorder: what they send is held to their IAM actions.
  recorder = await startDynamoRecorder(dynamo.endpoint);
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-poll-handler-'));
  configFile = join(dir, 'fanpulse.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition', 'change.org'] }],
      sources: [
        { id: 'forum', type: 'rss', url: `${server.url}/forum.xml`, topics: ['bosch-legacy'] },
        { id: 'news', type: 'rss', url: `${server.url}/news.xml`, topics: ['bosch-legacy'] },
      ],
      poll: { timeoutMs: 60_000 },
    }),
  );
});

afterAll(async () => {
  await Promise.all([server?.close(), recorder?.close(), dynamo?.close(), sns?.close()]);
});

// What the handler writes to stdout and stderr (Powertools' JSON log lines), kept per test instead of printed.
let stdout: string[] = [];
beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
});

afterEach(async () => {
  vi.restoreAllMocks();
  // Nothing one test published may reach the next one's inbox.
  await sns.receive({ waitSeconds: 0 });
});

function env(tableName: string) {
  return {
    FANPULSE_TABLE: tableName,
    FANPULSE_CONFIG_FILE: configFile,
    FANPULSE_TOPIC_ARN: sns.topicArn,
    DYNAMODB_ENDPOINT: recorder.endpoint,
    SNS_ENDPOINT: sns.endpoint,
    AWS_REGION: sns.region,
  };
}

/** A poll function instance, as one Lambda container would run it. */
const pollFunction = (tableName: string) => createPollHandler(() => readPollEnv(env(tableName)), quiet());

async function trends(store: Store) {
  const config = await loadConfig(configFile);
  const hourly = await readTrends(store, config, { since: '3d', bucket: 'hour', format: 'json' }, new Date());
  return hourly.filter((b) => b.posts > 0);
}

describe('poll handler', () => {
  it('runs a pass from a scheduled event: stores every source and e-mails one alert through SNS', async () => {
    const { store, tableName } = await dynamo.newStore();
    const report = await pollFunction(tableName)(scheduledEvent(), lambdaContext('poll'));

    expect(report.skipped).toBeNull();
    expect(report.sources.map((s) => [s.sourceId, s.status])).toEqual([['forum', 'ok'], ['news', 'ok']]);
    expect(report.newPosts).toBe(2 * entries('x').length);
    const stored = await trends(store);
    expect(stored.reduce((n, b) => n + b.posts, 0)).toBe(2 * entries('x').length);
    expect(stored.reduce((n, b) => n + b.petitionMentions, 0)).toBe(40);

    expect(report.alertsDelivered).toHaveLength(1);
    const message = await sns.receiveOne();
    expect(message.envelope?.TopicArn).toBe(sns.topicArn);
    expect(message.envelope?.Message).toContain('Bosch: Legacy');
    expect(message.envelope?.MessageAttributes?.topic?.Value).toBe('bosch-legacy');
  });

  it('counts nothing twice and alerts nothing twice when the same event is retried', async () => {
    const { store, tableName } = await dynamo.newStore();
    const poll = pollFunction(tableName);
    const event = scheduledEvent();
    await poll(event, lambdaContext('poll'));
    const before = await trends(store);
    expect(await sns.receive({ waitSeconds: 1 })).toHaveLength(1);

    const retry = await poll(event, lambdaContext('poll'));
    expect(retry.sources.map((s) => s.status)).toEqual(['ok', 'ok']);
    expect(retry.newPosts).toBe(0);
    expect(retry.bucketWrites).toBe(0);
    expect(retry.alertsRaised).toHaveLength(0);
    expect(await trends(store)).toEqual(before);
    expect(await sns.receive({ waitSeconds: 1 })).toHaveLength(0);
  });

  it('leaves the counts of one pass and sends one alert when two containers are invoked at once', async () => {
    const { store, tableName } = await dynamo.newStore();
    const settled = await Promise.allSettled([
      pollFunction(tableName)(scheduledEvent(), lambdaContext('poll')),
      pollFunction(tableName)(scheduledEvent(), lambdaContext('poll')),
    ]);
    // Usually one is skipped by the pass lock and fails (so Lambda retries it rather than report
    // work it did not do); if one finished before the other began, the second found everything
    // counted. Either way the data is one pass's.
    const reports = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const s of settled) if (s.status === 'rejected') expect(String(s.reason)).toMatch(/pass skipped: another pass holds the lock until /);
    expect(reports.reduce((n, r) => n + r.newPosts, 0)).toBe(2 * entries('x').length);
    expect(reports.reduce((n, r) => n + r.alertsDelivered.length, 0)).toBe(1);
    expect(await sns.receive({ waitSeconds: 1 })).toHaveLength(1);

    const { store: clean, tableName: cleanTable } = await dynamo.newStore();
    await pollFunction(cleanTable)(scheduledEvent(), lambdaContext('poll'));
    expect(await trends(store)).toEqual(await trends(clean));
  });

  it('fails the invocation when it skipped its pass for a lock it does not hold, so a retry or the DLQ hears of it', async () => {
    const { store, tableName } = await dynamo.newStore();
    // A lock left by an earlier attempt (or a pass still running): its lease has not run out.
    const now = new Date();
    expect(await store.acquirePassLock('pass-earlier-attempt', now.toISOString(), new Date(now.getTime() + 60 * 60_000).toISOString())).toEqual({ acquired: true });
    await expect(pollFunction(tableName)(scheduledEvent(), lambdaContext('poll'))).rejects.toThrow(/pass skipped: another pass holds the lock until /);
    expect(await trends(store)).toEqual([]);
  });

  it('logs each source and the pass as JSON fields Logs Insights can filter by source, outcome and failure kind, and publishes no metrics', async () => {
    const { tableName } = await dynamo.newStore();
    // The test config plus a source whose feed is gone (404).
    const withBroken = join(dirname(configFile), 'with-broken.config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as { sources: object[] };
    await writeFile(withBroken, JSON.stringify({ ...config, sources: [...config.sources, { id: 'gone', type: 'rss', url: `${server.url}/gone.xml`, topics: ['bosch-legacy'] }] }));
    const logger = new Logger({ serviceName: 'fanpulse-test', logLevel: 'INFO' });
    const event = scheduledEvent();
    const report = await createPollHandler(() => readPollEnv({ ...env(tableName), FANPULSE_CONFIG_FILE: withBroken }), logger)(event, lambdaContext('poll'));

    const lines = stdout.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((line) => '_aws' in line)).toBe(false);
    const sourceLines = lines.filter((line) => line.event === PASS_LOG_EVENTS.source);
    const forumPosts = entries('forum').length;
    expect(sourceLines.map(({ source, outcome, failureKind, items, matched, unreadable, level }) => ({ source, outcome, failureKind, items, matched, unreadable, level }))).toEqual([
      { source: 'forum', outcome: 'ok', failureKind: undefined, items: forumPosts, matched: forumPosts, unreadable: 0, level: 'INFO' },
      { source: 'news', outcome: 'ok', failureKind: undefined, items: forumPosts, matched: forumPosts, unreadable: 0, level: 'INFO' },
      { source: 'gone', outcome: 'failed', failureKind: 'http-status', items: undefined, matched: undefined, unreadable: undefined, level: 'WARN' },
    ]);
    expect(String(sourceLines[2]!.error)).toContain('404');
    const [pass] = lines.filter((line) => line.event === PASS_LOG_EVENTS.pass);
    expect(pass).toMatchObject({ service: 'fanpulse-test', newPosts: 2 * forumPosts, sourcesOk: 2, sourcesFailed: 1, sourcesNotModified: 0, sourcesDeferred: 0, alertsRaised: 1, alertsDelivered: 1, alertsPending: 0 });
    expect(pass!.scheduledTime).toBe(event.scheduledTime);
    expect(report.newPosts).toBe(2 * forumPosts);
  });

  it('sends the table only the DynamoDB actions the poll role is granted', async () => {
    const { tableName } = await dynamo.newStore();
    recorder.reset();
    const poll = pollFunction(tableName);
    // Overlapping, so the lock is contended (the skipped one fails its invocation).
    await Promise.allSettled([poll(scheduledEvent(), lambdaContext('poll')), pollFunction(tableName)(scheduledEvent(), lambdaContext('poll'))]);
    await poll(scheduledEvent(), lambdaContext('poll'));
    // A recount (invoked by hand after a config change) is this function's work too.
    await poll({ recount: { since: '2d' } }, lambdaContext('poll'));
    const sent = new Set(recorder.calls.map((c) => `dynamodb:${c.operation}`));
    expect([...sent].filter((action) => !(TABLE_ACTIONS['read-write'] as readonly string[]).includes(action))).toEqual([]);
    // Every granted action is used, or the grant is wider than it needs to be.
    expect([...sent].sort()).toEqual([...TABLE_ACTIONS['read-write']].sort());
  });

  it('runs a recount from a { recount } event on the clock it is given, under the pass lock, and changes nothing on counts a pass just made', async () => {
    const { store, tableName } = await dynamo.newStore();
    const poll = pollFunction(tableName);
    await poll(scheduledEvent(), lambdaContext('poll'));
    const before = await trends(store);
    // A clock an hour on: the handler reads its time from it, not from the machine.
    const later = { now: () => new Date(START + 3_600_000) };
    const recount = createPollHandler(() => readPollEnv(env(tableName)), quiet(), later);
    const report = await recount({ recount: { since: '3d' } }, lambdaContext('poll'));
    expect(report.until).toBe(new Date(Math.floor((START + 3_600_000) / 3_600_000) * 3_600_000 + 3_600_000).toISOString());
    expect(report.postsRead).toBe(2 * entries('x').length);
    expect(report.topics).toEqual([{ topic: 'bosch-legacy', hoursRebuilt: 0, postsAdded: 0, postsRemoved: 0, hoursKept: [] }]);
    expect(await trends(store)).toEqual(before);

    await expect(recount({ recount: { since: 'yesterday' } }, lambdaContext('poll'))).rejects.toThrow(/^since: must be a duration back from now/);
    // Held by a pass: the recount refuses instead of racing it.
    const now = new Date(START + 3_600_000);
    await store.acquirePassLock('pass-running', now.toISOString(), new Date(now.getTime() + 60_000).toISOString());
    await expect(recount({ recount: {} }, lambdaContext('poll'))).rejects.toThrow(/a poll is running .* run the recount again after it/);
  });

  it('fails the invocation when the store cannot be reached, so Lambda retries it and the DLQ keeps it', async () => {
    const poll = pollFunction('no-such-table');
    await expect(poll(scheduledEvent(), lambdaContext('poll'))).rejects.toBeInstanceOf(StoreError);
  });

  it('fails loudly, naming the variable, when the environment is incomplete', async () => {
    const poll = createPollHandler(() => readPollEnv({ FANPULSE_TABLE: 't' }), quiet());
    await expect(poll(scheduledEvent(), lambdaContext('poll'))).rejects.toThrow(ConfigError);
    await expect(poll(scheduledEvent(), lambdaContext('poll'))).rejects.toThrow(/FANPULSE_CONFIG_FILE: is required/);
  });
});
