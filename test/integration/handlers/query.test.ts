// The query Lambda as API Gateway (HTTP API, payload 2.0) invokes it, over a dynalite table filled
// by a real pass. A good request's body is what the CLI prints for the same parameters; a bad one
// is a 400 with a message; nothing internal ever reaches the caller.

import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../lambdas/adapters/http-fetcher.ts';
import { createLocalSink } from '../../../lambdas/adapters/local-sink.ts';
import { createSources } from '../../../lambdas/adapters/sources/create-source.ts';
import { readQueryEnv } from '../../../lambdas/config/env.ts';
import { loadConfig } from '../../../lambdas/config/load.ts';
import { runPass } from '../../../lambdas/core/pipeline.ts';
import { createQueryHandler } from '../../../lambdas/handlers/query.ts';
import { TABLE_ACTIONS } from '../../../lib/constructs/node-function.ts';
import { startDynamoRecorder, type DynamoRecorder } from '../../helpers/dynamo-recorder.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { rssFeed, type FeedEntry } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';
import { apiEvent, lambdaContext } from '../../helpers/lambda-events.ts';

const run = promisify(execFile);
const START = Date.now();
const ago = (hours: number, minutes = 0) => new Date(START - hours * 3_600_000 - minutes * 60_000);
// Absolute bounds, so the CLI run a moment later reads exactly the same range.
const SINCE = new Date(Math.floor(START / 3_600_000) * 3_600_000 - 30 * 3_600_000).toISOString();
const UNTIL = new Date(Math.floor(START / 3_600_000) * 3_600_000 + 3_600_000).toISOString();

const entries: FeedEntry[] = [
  ...Array.from({ length: 8 }, (_, i) => ({ title: `Bosch Legacy, season ${i}, was brilliant`, link: `https://fans.example/q/${i}`, published: ago(i * 3, 7) })),
  ...Array.from({ length: 12 }, (_, i) => ({ title: `Sign the petition: save Bosch Legacy ${i}`, link: `https://fans.example/p/${i}`, published: ago(0, 2 + i), description: 'change.org petition' })),
  { title: 'Ballard, the spin-off, is "great"', link: 'https://fans.example/b/1', published: ago(2) },
];

let server: TestServer;
let dynamo: TestDynamo;
let recorder: DynamoRecorder;
let configFile: string;
let tableName: string;
const quiet = () => new Logger({ logLevel: 'SILENT' });

beforeAll(async () => {
  server = await startTestServer({ '/feed.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Feed', entries)) });
  dynamo = await startTestDynamo();
  // The handler talks to dynalite through a recorder: what it sends is held to its IAM actions.
  recorder = await startDynamoRecorder(dynamo.endpoint);
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-query-handler-'));
  configFile = join(dir, 'fanpulse.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [
        { id: 'bosch-legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] },
        { id: 'ballard', keywords: ['ballard'] },
      ],
      sources: [{ id: 'feed', type: 'rss', url: `${server.url}/feed.xml`, topics: ['bosch-legacy', 'ballard'] }],
    }),
  );
  const created = await dynamo.newStore();
  tableName = created.tableName;
  const config = await loadConfig(configFile);
  const report = await runPass({
    config,
    store: created.store,
    sources: createSources(config, createHttpFetcher(config.poll)),
    sink: createLocalSink({ file: join(dir, 'alerts.jsonl'), out: new PassThrough() }),
    now: new Date(),
    log: { info: () => {}, warn: () => {} },
  });
  expect(report.newPosts).toBe(entries.length);
});

afterAll(async () => {
  await Promise.all([server?.close(), recorder?.close(), dynamo?.close()]);
});

const queryFunction = (table = tableName) =>
  createQueryHandler(() => readQueryEnv({ FANPULSE_TABLE: table, FANPULSE_CONFIG_FILE: configFile, DYNAMODB_ENDPOINT: recorder.endpoint }), quiet());

async function get(path: string, query: Record<string, string> = {}, method = 'GET') {
  const response = await queryFunction()(apiEvent(path, query, method), lambdaContext('query'));
  return { ...response, body: response.body ?? '' };
}

/** The CLI, as a user runs it against the same table. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['bin/fanpulse.mjs', ...args, '--config', configFile], {
    env: { ...process.env, DYNAMODB_ENDPOINT: dynamo.endpoint, FANPULSE_TABLE: tableName },
  });
  return stdout;
}

describe('query handler', () => {
  it('answers GET /trends with the JSON `fanpulse trends --format json` prints for the same parameters', async () => {
    const params = { since: SINCE, until: UNTIL, bucket: 'hour' };
    const [response, printed] = await Promise.all([get('/trends', params), cli('trends', '--since', SINCE, '--until', UNTIL, '--format', 'json')]);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toBe(printed);
    const buckets = JSON.parse(response.body) as { topic: string; posts: number; petitionMentions: number }[];
    expect(buckets.filter((b) => b.topic === 'bosch-legacy').reduce((n, b) => n + b.posts, 0)).toBe(20);
    expect(buckets.filter((b) => b.topic === 'bosch-legacy').reduce((n, b) => n + b.petitionMentions, 0)).toBe(12);
  });

  it('serves the CLI CSV for ?format=csv, one topic by day', async () => {
    const args = { topic: 'ballard', since: SINCE, until: UNTIL, bucket: 'day', format: 'csv' };
    const [response, printed] = await Promise.all([
      get('/trends', args),
      cli('trends', '--topic', 'ballard', '--since', SINCE, '--until', UNTIL, '--bucket', 'day', '--format', 'csv'),
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body).toBe(printed);
    expect(response.body.split('\n')[0]).toBe('topic,source,bucketStart,posts,petitionMentions,positive,negative,neutral,sentimentMean');
  });

  it('answers a relative ?since=7d like the CLI default window', async () => {
    const response = await get('/trends', { since: '7d', source: 'feed', topic: 'bosch-legacy' });
    expect(response.statusCode).toBe(200);
    const buckets = JSON.parse(response.body) as { source: string; posts: number }[];
    expect(buckets.length).toBeGreaterThanOrEqual(7 * 24);
    expect(buckets.every((b) => b.source === 'feed')).toBe(true);
    expect(buckets.reduce((n, b) => n + b.posts, 0)).toBe(20);
  });

  it('answers GET /alerts and GET /sources with the CLI JSON', async () => {
    const [alerts, printedAlerts, sources, printedSources] = await Promise.all([
      get('/alerts', { since: SINCE, until: UNTIL }),
      cli('alerts', '--since', SINCE, '--until', UNTIL, '--format', 'json'),
      get('/sources'),
      cli('sources', '--format', 'json'),
    ]);
    expect(alerts.statusCode).toBe(200);
    expect(alerts.body).toBe(printedAlerts);
    expect(sources.statusCode).toBe(200);
    expect(sources.body).toBe(printedSources);
    expect(JSON.parse(sources.body)).toMatchObject([{ sourceId: 'feed', health: 'ok', type: 'rss' }]);
  });

  it.each([
    [{ since: 'yesterday' }, /^since: must be a duration back from now like 7d/],
    [{ until: '20 Nov 2026' }, /^until: must be a duration/],
    [{ bucket: 'week' }, /^bucket: must be "hour" or "day"/],
    [{ format: 'table' }, /^format: must be "json" or "csv"/],
    [{ topic: 'Bosch Legacy' }, /^topic: must be a topic or source id/],
    [{ topic: 'the-wire' }, /^unknown topic "the-wire": use one of bosch-legacy, ballard/],
    [{ source: 'reddit' }, /^unknown source "reddit": use one of feed/],
    [{ colour: 'red' }, /^unknown parameter\(s\): colour/],
    [{ since: '2026-11-20T10:00:00Z', until: '2026-11-19T10:00:00Z' }, /^until \(.+\) must be after since/],
    [{ topic: 'ballard,bosch-legacy' }, /^topic: /],
  ])('rejects /trends?%o with a 400 and a message naming the parameter', async (query, message) => {
    const response = await get('/trends', query);
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body).error).toMatch(message);
  });

  it('rejects CSV on /alerts and any parameter on /sources with a 400', async () => {
    expect(JSON.parse((await get('/alerts', { format: 'csv' })).body)).toEqual({ error: 'format: must be "json"' });
    const sources = await get('/sources', { since: '7d' });
    expect(sources.statusCode).toBe(400);
    expect(JSON.parse(sources.body).error).toBe('unknown parameter(s): since');
  });

  it('answers GET /posts with the JSON `fanpulse posts --format json` prints, and pages through every post once', async () => {
    const [response, printed] = await Promise.all([
      get('/posts', { since: SINCE, until: UNTIL, topic: 'bosch-legacy', limit: '7' }),
      cli('posts', '--since', SINCE, '--until', UNTIL, '--topic', 'bosch-legacy', '--limit', '7', '--format', 'json'),
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(printed);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { posts: { link: string; petition: boolean }[]; next: string | null } = JSON.parse(
        (await get('/posts', { since: SINCE, until: UNTIL, topic: 'bosch-legacy', limit: '7', ...(cursor ? { cursor } : {}) })).body,
      );
      seen.push(...page.posts.map((p) => p.link));
      cursor = page.next;
    } while (cursor);
    // The 20 bosch-legacy entries of the feed, each once.
    expect(seen.sort()).toEqual(entries.filter((e) => /Bosch Legacy/.test(e.title)).map((e) => e.link).sort());
    const petitions = JSON.parse((await get('/posts', { since: SINCE, until: UNTIL, petition: 'true', limit: '500' })).body).posts as { link: string }[];
    expect(petitions.map((p) => p.link).sort()).toEqual(entries.filter((e) => e.description).map((e) => e.link).sort());
  });

  it.each([
    [{ limit: '0' }, /^limit: must be a whole number from 1 to 500/],
    [{ label: 'angry' }, /^label: must be "positive", "negative" or "neutral"/],
    [{ petition: 'yes' }, /^petition: /],
    [{ cursor: 'not-a-cursor' }, /^cursor: must be the "next" value of a previous page/],
  ])('rejects /posts?%o with a 400 naming the parameter', async (query, message) => {
    const response = await get('/posts', query);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toMatch(message);
  });

  it('answers GET /config with the topics and sources a page needs, and nothing else of the config', async () => {
    const response = await get('/config');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      topics: [
        { id: 'bosch-legacy', name: 'bosch-legacy' },
        { id: 'ballard', name: 'ballard' },
      ],
      sources: [{ id: 'feed', type: 'rss', topics: ['bosch-legacy', 'ballard'] }],
    });
  });

  it('answers 404 for an unknown path and 405 for anything but GET', async () => {
    const missing = await get('/nope');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error).toMatch(/GET \/trends, \/posts, \/alerts, \/sources, \/config/);
    const post = await get('/trends', {}, 'POST');
    expect(post.statusCode).toBe(405);
    expect(post.headers?.allow).toBe('GET');
  });

  it('sends the table only the read actions the query role is granted', async () => {
    recorder.reset();
    await Promise.all([get('/trends', { since: '2d', source: 'feed' }), get('/alerts'), get('/sources')]);
    const sent = new Set(recorder.calls.map((c) => `dynamodb:${c.operation}`));
    expect([...sent].sort()).toEqual([...TABLE_ACTIONS.read].sort());
  });

  it('answers 503 with a generic message, never the store error, when the table is unreachable', async () => {
    const response = await queryFunction('no-such-table')(apiEvent('/trends'), lambdaContext('query'));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? '')).toEqual({ error: 'the trend store is unavailable; try again shortly' });
    expect(response.body).not.toMatch(/no-such-table|Exception|at .+\.ts|127\.0\.0\.1/);
  });

  it('answers 500 "internal error" when its environment is broken, without saying how', async () => {
    const broken = createQueryHandler(() => readQueryEnv({ FANPULSE_TABLE: tableName, FANPULSE_CONFIG_FILE: '/no/such/config.json' }), quiet());
    const response = await broken(apiEvent('/sources'), lambdaContext('query'));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toEqual({ error: 'internal error' });
  });
});
