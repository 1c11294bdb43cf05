// What a pass costs in store requests once the sources have been read before: the posts each source
// still lists are remembered in its state, so a steady pass reads about one unit per source and
// writes no post or bucket. Counted by the same recording proxy the poll-cost bench prices
// (test/helpers/dynamo-recorder.ts: requests and the capacity units DynamoDB bills), against dynalite,
// with real feed servers and the real RSS source. And the memory keeps the re-read's exactness:
// a crash at any store call of a pass that finds new posts, then a re-run, leaves what clean passes
// leave; a change of topics makes the sources match their listings afresh.

import { crashingClient as crashAtCall } from '../helpers/crashing-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo-client.ts';
import { createHttpFetcher } from '../../lambdas/adapters/http-fetcher.ts';
import { createSource } from '../../lambdas/adapters/sources/create-source.ts';
import { parseConfig } from '../../lambdas/config/load.ts';
import type { Config } from '../../lambdas/config/schema.ts';
import type { AlertSink, Store } from '../../lambdas/core/ports.ts';
import { PASS_LEASE_MS, runPass, type PassReport } from '../../lambdas/core/pipeline.ts';
import { readTrends } from '../../lambdas/query/read.ts';
import { startDynamoRecorder, summarise, type DynamoRecorder } from '../helpers/dynamo-recorder.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { rssFeed, type FeedEntry } from '../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const NOW = new Date('2026-11-20T12:20:00Z');
const HOUR = 3_600_000;
const SOURCES = ['forum', 'news', 'fansite'];
/** Posts each feed lists: all matching, spread over 20 days (a news search feed lists about 100). */
const LISTED = 80;

/** A feed's posts, re-listed every pass; `extra` are posts that appear later. */
function listing(source: string, extra: FeedEntry[] = []): FeedEntry[] {
  const posts = Array.from({ length: LISTED }, (_, i) => ({
    title: `${source}: Bosch Legacy and Ballard talk ${i}${i % 7 === 0 ? ', sign the petition' : ''}`,
    link: `https://${source}.example/t/${i}`,
    published: new Date(NOW.getTime() - (i + 0.5) * 6 * HOUR),
    description: i % 3 === 0 ? 'Cancelled too soon, a terrible decision' : 'Great episode, loved the cast',
  }));
  return [...extra, ...posts];
}

const fresh = (source: string, n: number): FeedEntry[] =>
  // Not petition mentions: a spike alert would add its own writes to the pass.
  Array.from({ length: n }, (_, i) => ({ title: `${source}: new Bosch Legacy news ${i}`, link: `https://${source}.example/new/${i}`, published: new Date(NOW.getTime() - 5 * 60_000), description: 'a new interview' }));

let server: TestServer;
let dynamo: TestDynamo;
let recorder: DynamoRecorder;
/** What each feed serves now (no validators: every pass gets the whole listing, as from Google News). */
const served = new Map<string, FeedEntry[]>();

beforeAll(async () => {
  server = await startTestServer();
  for (const source of SOURCES) {
    server.route(`/${source}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(source, served.get(source) ?? listing(source))));
  }
  dynamo = await startTestDynamo();
  recorder = await startDynamoRecorder(dynamo.endpoint);
});

afterAll(async () => {
  await Promise.all([server?.close(), recorder?.close()]);
  await dynamo?.close();
});

function config(ballardKeywords = ['renee ballard']): Config {
  return parseConfig(
    {
      topics: [
        { id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] },
        { id: 'ballard', name: 'Ballard', keywords: ballardKeywords, petitionKeywords: ['petition'] },
      ],
      sources: SOURCES.map((id) => ({ id, type: 'rss', url: `${server.url}/${id}.xml`, topics: ['bosch-legacy', 'ballard'] })),
    },
    'test config',
  );
}

const silent: AlertSink = { send: async () => {}, sendDigest: async () => {} };

function pass(cfg: Config, store: Store, now = NOW): Promise<PassReport> {
  const fetcher = createHttpFetcher({ ...cfg.poll, timeoutMs: 60_000 });
  const sources = cfg.sources.map((source) => createSource(source, fetcher));
  return runPass({ config: cfg, store, sources, sink: silent, now, log: { info: () => {}, warn: () => {} } });
}

/** A store whose every request goes through the recorder. */
async function recordedStore() {
  const client = createDocumentClient({ endpoint: recorder.endpoint });
  return dynamo.newStore({ client });
}

/** The trends a user reads back, topic-wide and per source, for every topic. */
async function snapshot(cfg: Config, store: Store) {
  const params = { since: '30d', bucket: 'hour', format: 'json' } as const;
  const nonZero = (b: { posts: number }) => b.posts > 0;
  const topicWide = (await readTrends(store, cfg, params, NOW)).filter(nonZero);
  const perSource = await Promise.all(cfg.sources.map(async (s) => (await readTrends(store, cfg, { ...params, source: s.id }, NOW)).filter(nonZero)));
  return { topicWide, perSource };
}

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const total = (buckets: { topic: string; posts: number }[], topic: string) => buckets.filter((b) => b.topic === topic).reduce((n, b) => n + b.posts, 0);

describe('a steady pass', () => {
  it('reads one unit per source plus a small constant, and writes no post or bucket, however many posts the sources list', async () => {
    for (const source of SOURCES) served.delete(source);
    const cfg = config();
    const { store } = await recordedStore();
    const first = await pass(cfg, store);
    expect(first.newPosts).toBe(SOURCES.length * LISTED);

    recorder.reset();
    const steady = await pass(cfg, store, later(15));
    const calls = summarise(recorder.calls);
    expect(steady.newPosts).toBe(0);
    expect(steady.sources.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);

    // The source states: one request, one 4 KB unit each (their memory of 80 posts included).
    const batchGets = recorder.calls.filter((c) => c.operation === 'BatchGetItem');
    expect(batchGets.map((c) => [c.items, c.units])).toEqual([[SOURCES.length, SOURCES.length]]);
    // The rest is one query per topic (detection reads the topic's buckets of its look-back window:
    // a few units, growing with the posts counted there, not with what the sources list) and one for
    // pending alerts. Re-reading the 240 listed posts, as steady passes did, cost 240 units more.
    const queries = recorder.calls.filter((c) => c.operation === 'Query');
    expect(queries).toHaveLength(cfg.topics.length + 1);
    expect(calls.reads.units).toBeLessThanOrEqual(SOURCES.length + 5 * cfg.topics.length + 1);

    // Writes: the pass lock taken and released, and each source's state (its health and last success).
    expect([...calls.byOperation].filter(([op]) => !['BatchGetItem', 'Query'].includes(op)).map(([op, v]) => [op, v.requests])).toEqual([
      ['PutItem', 1 + SOURCES.length],
      ['DeleteItem', 1],
    ]);
    expect(steady.bucketWrites).toBe(0);
  });

  it('stores a new post with one post write and one bucket write per topic-hour, reading only the new', async () => {
    for (const source of SOURCES) served.delete(source);
    const cfg = config();
    const { store } = await recordedStore();
    await pass(cfg, store);
    await pass(cfg, store, later(15));

    // Four new posts in the same hour, in two sources, each matching one topic.
    served.set('forum', listing('forum', fresh('forum', 3)));
    served.set('news', listing('news', fresh('news', 1)));
    recorder.reset();
    const report = await pass(cfg, store, later(30));
    expect(report.newPosts).toBe(4);

    const ops = summarise(recorder.calls).byOperation;
    expect(ops.get('BatchWriteItem')).toMatchObject({ requests: 1, items: 4 });
    // One topic-hour: one update, holding both sources' scopes, inside one change window (opened and
    // closed on the change counter: two updates). The topic list already names the topic.
    expect(ops.get('UpdateItem')).toMatchObject({ requests: 1 + 2 });
    expect(report.bucketWrites).toBe(1);
    // Reads: the states, then the 4 new posts (are they stored?), then their bucket and the topic list.
    expect(recorder.calls.filter((c) => c.operation === 'BatchGetItem').map((c) => c.items)).toEqual([SOURCES.length, 0, 1]);
    const postAndBucketWrites = (ops.get('BatchWriteItem')?.items ?? 0) + (ops.get('UpdateItem')?.requests ?? 0) - 2;
    expect(postAndBucketWrites / report.newPosts).toBeLessThanOrEqual(1.25);
  });
});

describe('the sources\' memory of what they counted', () => {
  const crashingClient = (crashAfter: number) => crashAtCall(dynamo.endpoint, crashAfter);

  // One pass per store call of the second pass: minutes on a loaded 2-core machine, so no tight limit.
  it('leaves exactly what clean passes leave when a pass that finds new posts crashes at any store call and runs again', { timeout: 900_000 }, async () => {
    const cfg = config();
    const before = () => {
      for (const source of SOURCES) served.delete(source);
    };
    const after = () => {
      served.set('forum', listing('forum', fresh('forum', 3)).slice(0, LISTED));
      served.set('fansite', listing('fansite', fresh('fansite', 2)));
    };

    before();
    const { store: clean } = await dynamo.newStore();
    await pass(cfg, clean);
    after();
    await pass(cfg, clean, later(15));
    const reference = await snapshot(cfg, clean);
    expect(total(reference.topicWide, 'bosch-legacy')).toBe(SOURCES.length * LISTED + 5);

    // Count the store calls of the second pass, then crash after each of them in turn.
    before();
    const counter = crashingClient(Number.POSITIVE_INFINITY);
    const { store: counted, tableName: countedTable } = await dynamo.newStore();
    await pass(cfg, counted);
    after();
    const { store: counting } = await dynamo.newStore({ tableName: countedTable, client: counter.client });
    await pass(cfg, counting, later(15));
    const totalCalls = counter.calls();
    expect(totalCalls).toBeGreaterThan(5);

    for (let crashAfter = 1; crashAfter <= totalCalls; crashAfter++) {
      before();
      const { store, tableName } = await dynamo.newStore();
      await pass(cfg, store);
      after();
      const { store: crashing } = await dynamo.newStore({ tableName, client: crashingClient(crashAfter).client });
      const outcome = await pass(cfg, crashing, later(15)).then(
        () => 'completed',
        () => 'crashed',
      );
      expect(outcome).toBe(crashAfter === totalCalls ? 'completed' : 'crashed');
      const rerun = await pass(cfg, store, new Date(later(15).getTime() + PASS_LEASE_MS));
      expect(rerun.skipped).toBeNull();
      expect(await snapshot(cfg, store), `crash after store call ${crashAfter}`).toEqual(reference);
    }
  });

  it('is dropped when the topics change, so a post already counted is matched again and counts for a topic it now matches', async () => {
    for (const source of SOURCES) served.delete(source);
    const { store } = await dynamo.newStore();
    await pass(config(), store);
    await pass(config(), store, later(15));
    expect(total((await snapshot(config(), store)).topicWide, 'ballard')).toBe(0);

    // "ballard" now matches every listed post, which the sources remember counting for bosch-legacy only.
    const widened = config(['ballard']);
    const report = await pass(widened, store, later(30));
    expect(report.newPosts).toBe(0);
    const { store: fresh } = await dynamo.newStore();
    await pass(widened, fresh, later(30));
    expect(await snapshot(widened, store)).toEqual(await snapshot(widened, fresh));
    expect(total((await snapshot(widened, store)).topicWide, 'ballard')).toBe(SOURCES.length * LISTED);
  });
});
