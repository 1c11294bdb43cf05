// A hot topic-hour past one item's 400 KB (store/bucket-nodes.ts): the counts stay exact topic-wide
// and per source however many posts, writers, re-runs and crashes, over dynalite through the AWS SDK.
// Small node sizes grow deep trees from a few hundred posts; one test runs 100,000 posts at the real size.

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/config/load.ts';
import type { Store } from '../../../lambdas/core/ports.ts';
import { PASS_LEASE_MS } from '../../../lambdas/core/pipeline.ts';
import { runRecount } from '../../../lambdas/core/recount.ts';
import type { ScoredPost } from '../../../lambdas/core/types.ts';
import { crashingClient } from '../../helpers/crashing-client.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { scoredPost } from '../../helpers/posts.ts';

const now = new Date('2026-11-20T12:00:00Z');
const opts = { now, retentionDays: 90 };
const HOT = '2026-11-20T10:00:00.000Z';
const range = { since: '2026-11-20T00:00:00.000Z', until: '2026-11-21T00:00:00.000Z' };
const LABELS = ['positive', 'negative', 'neutral'] as const;

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

/**
 * `count` distinct stories in the hot hour, spread over `sources`; every `shareEvery`th story is
 * also listed by the next source (one post topic-wide, counted in both sources' own scopes).
 */
function hotHour(count: number, sources: readonly string[], shareEvery = 7, hour = HOT): ScoredPost[] {
  const posts: ScoredPost[] = [];
  for (let i = 0; i < count; i++) {
    const at = (sourceId: string) =>
      scoredPost({ key: `story-${i}`, sourceId, label: LABELS[i % 3]!, topics: [{ topicId: 'show', petition: i % 5 === 0 }], bucketStart: hour, title: `S${i}`, text: `show news${i % 5 === 0 ? ', petition' : ''}${i % 4 === 0 ? ', spoiler' : ''}` });
    posts.push(at(sources[i % sources.length]!));
    if (i % shareEvery === 0 && sources.length > 1) posts.push(at(sources[(i + 1) % sources.length]!));
  }
  return posts;
}

/** What the hour must count, worked out from the posts themselves (each story once topic-wide, once per source that listed it). */
function expected(posts: readonly ScoredPost[]) {
  const scopes = new Map<string | null, Map<string, ScoredPost>>();
  for (const post of posts) {
    for (const scope of [null, post.sourceId]) {
      const seen = scopes.get(scope) ?? scopes.set(scope, new Map()).get(scope)!;
      if (!seen.has(post.dedupKey)) seen.set(post.dedupKey, post);
    }
  }
  return new Map(
    [...scopes].map(([scope, seen]) => {
      const list = [...seen.values()];
      const petition = list.filter((post) => post.topics[0]!.petition);
      const label = (l: string) => list.filter((post) => post.sentiment.label === l).length;
      return [scope, { posts: list.length, petitionMentions: petition.length, positive: label('positive'), negative: label('negative'), neutral: label('neutral'), sentimentSum: list.reduce((sum, post) => sum + post.sentiment.score, 0) }];
    }),
  );
}

/** What the store reads back for the hot hour, per scope, in the shape of `expected`. */
async function counted(store: Store, sources: readonly string[]) {
  const read = async (source: string | null) => {
    const buckets = await store.queryTrends({ topic: 'show', ...range, ...(source ? { source } : {}) });
    return buckets.map(({ bucketStart, posts, petitionMentions, positive, negative, neutral, sentimentSum }) => ({ bucketStart, posts, petitionMentions, positive, negative, neutral, sentimentSum }));
  };
  return new Map(await Promise.all([null, ...sources].map(async (scope) => [scope, await read(scope)] as const)));
}

async function expectExact(store: Store, posts: readonly ScoredPost[], sources: readonly string[], what = '') {
  const want = expected(posts);
  const got = await counted(store, sources);
  for (const scope of [null, ...sources]) {
    const counts = want.get(scope);
    expect(got.get(scope), `${scope ?? 'topic-wide'} ${what}`).toEqual(counts ? [{ bucketStart: HOT, ...counts }] : []);
  }
}

/** The topic's bucket items as stored (every page). */
async function trendItems(tableName: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.client.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'TREND#show' }, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The topic 'show' counted by `sources`, as the posts of hotHour() match it. */
const config = (exclude: string[], sources = ['feed-a', 'feed-b']) =>
  parseConfig(
    {
      topics: [{ id: 'show', keywords: ['show news'], exclude, petitionKeywords: ['petition'] }],
      sources: sources.map((id) => ({ id, type: 'rss', url: `https://${id}.example/feed.xml`, topics: ['show'] })),
    },
    'test config',
  );
const quiet = { info: () => {}, warn: () => {} };

/** Splits `posts` into `parts` interleaved batches, as parallel workers would get them. */
const split = <T,>(list: readonly T[], parts: number): T[][] => Array.from({ length: parts }, (_, p) => list.filter((_, i) => i % parts === p));

describe('bucket nodes: a topic-hour past one item', () => {
  it('keeps a small hour one item, as before', async () => {
    const { store, tableName } = await dynamo.newStore();
    const posts = hotHour(300, ['feed-a', 'feed-b']);
    const result = await store.ingest(posts, opts);
    expect(result.bucketWrites).toBe(1);
    expect((await trendItems(tableName)).map((item) => item.sk)).toEqual([HOT]);
    await expectExact(store, posts, ['feed-a', 'feed-b']);
  });

  it('counts 100,000 posts in one hour exactly, from four writers at once, and a re-run counts nothing twice', { timeout: 900_000 }, async () => {
    const { store, tableName } = await dynamo.newStore();
    const sources = Array.from({ length: 20 }, (_, i) => `feed-${String(i).padStart(2, '0')}`);
    const posts = hotHour(100_000, sources, 10);
    // Four workers, each with five sources' posts, storing the same hour at once.
    const bySource = (part: number) => posts.filter((post) => Number(post.sourceId.slice(-2)) % 4 === part);
    await Promise.all([0, 1, 2, 3].map((part) => store.ingest(bySource(part), opts)));
    await expectExact(store, posts, sources);

    const items = await trendItems(tableName);
    expect(items.length).toBeGreaterThan(20);
    expect(items.every((item) => item.bucketStart === HOT)).toBe(true);

    // Everything again, in other batches: nothing more is counted.
    const again = await Promise.all(split(posts, 3).map((batch) => store.ingest(batch, opts)));
    expect(again.map((r) => r.bucketWrites)).toEqual([0, 0, 0]);
    await expectExact(store, posts, sources, 'after the re-run');
  });

  it('stays exact however posts arrive: batched, repeated, from writers at once (property, deep trees)', { timeout: 300_000 }, async () => {
    const sources = ['feed-a', 'feed-b', 'feed-c'];
    const universe = hotHour(150, sources, 4);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: universe.length - 1 }), { minLength: 1, maxLength: 120 }), { minLength: 1, maxLength: 4 }),
        async (batches) => {
          const { store } = await dynamo.newStore({ bucketNodeBytes: 900 });
          const arriving = batches.map((batch) => batch.map((i) => universe[i]!));
          await Promise.all(arriving.map((batch) => store.ingest(batch, opts)));
          await Promise.all(arriving.map((batch) => store.ingest(batch, opts)));
          await expectExact(store, arriving.flat(), sources);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('leaves exact buckets when an ingest crashed after any store call and ran again', { timeout: 600_000 }, async () => {
    const sources = ['feed-a', 'feed-b'];
    const posts = hotHour(150, sources, 3);
    const nodeBytes = 3_000;
    const counter = crashingClient(dynamo.endpoint, Number.POSITIVE_INFINITY);
    const { tableName: countingTable } = await dynamo.newStore();
    const { store: counting } = await dynamo.newStore({ tableName: countingTable, client: counter.client, bucketNodeBytes: nodeBytes });
    await counting.ingest(posts, opts);
    const totalCalls = counter.calls();
    expect((await trendItems(countingTable)).length).toBeGreaterThan(2);
    expect(totalCalls).toBeLessThan(40);

    for (let crashAfter = 1; crashAfter <= totalCalls; crashAfter++) {
      const { store, tableName } = await dynamo.newStore({ bucketNodeBytes: nodeBytes });
      const crashing = crashingClient(dynamo.endpoint, crashAfter);
      const { store: crashed } = await dynamo.newStore({ tableName, client: crashing.client, bucketNodeBytes: nodeBytes });
      await expect(crashed.ingest(posts, opts), `crash after store call ${crashAfter}`).rejects.toThrow(/injected crash|the process has crashed/);
      await store.ingest(posts, opts);
      await expectExact(store, posts, sources, `crash after store call ${crashAfter}`);
    }
  });

  it('keeps reading and growing an hour written before nodes existed, whatever its size', async () => {
    const sources = ['feed-a', 'feed-b'];
    const first = hotHour(400, sources);
    const more = hotHour(900, sources).slice(first.length);
    // A large single item, as the store wrote before: one root holding every post.
    const { store: before, tableName } = await dynamo.newStore({ bucketNodeBytes: 400_000 });
    await before.ingest(first, opts);
    expect((await trendItems(tableName)).map((item) => [item.sk, item.closed])).toEqual([[HOT, undefined]]);
    const { store } = await dynamo.newStore({ tableName, bucketNodeBytes: 2_000 });
    await expectExact(store, first, sources, 'as it was');
    await store.ingest([...first, ...more], opts);
    await expectExact(store, [...first, ...more], sources, 'grown');
    const items = await trendItems(tableName);
    expect(items.find((item) => item.sk === HOT)?.closed).toBe(true);
    expect(items.length).toBeGreaterThan(2);
  });

  it('lists the posts of every node of an hour, each once, with the sources that counted it', async () => {
    const sources = ['feed-a', 'feed-b'];
    const posts = hotHour(200, sources, 2);
    const { store } = await dynamo.newStore({ bucketNodeBytes: 1_000 });
    await store.ingest(posts, opts);
    const page = await store.listPosts({ topics: ['show'], ...range, limit: 1_000 });
    expect(page.posts).toHaveLength(200);
    const listedBy = new Map(page.posts.map((post) => [post.title, post.sources]));
    for (let i = 0; i < 200; i++) expect(listedBy.get(`S${i}`), `S${i}`).toEqual(i % 2 === 0 ? [sources[i % 2]!, sources[(i + 1) % 2]!].sort() : [sources[i % 2]!]);
    const fromB = await store.listPosts({ topics: ['show'], source: 'feed-b', ...range, limit: 1_000 });
    expect(fromB.posts).toHaveLength(expected(posts).get('feed-b')!.posts);
  });

  it('recounts a hot hour to exact counts, node by node, and a second recount changes nothing', { timeout: 120_000 }, async () => {
    const sources = ['feed-a', 'feed-b'];
    const posts = hotHour(300, sources, 3);
    const { store, tableName } = await dynamo.newStore({ bucketNodeBytes: 3_000 });
    await store.ingest(posts, opts);
    const recount = (exclude: string[], on = store, at = now) => runRecount({ config: config(exclude), store: on, now: at, log: quiet, sinceMs: Date.parse(range.since) });

    const same = await recount([]);
    expect(same.topics[0]).toMatchObject({ postsAdded: 0, postsRemoved: 0, hoursKept: [] });
    await expectExact(store, posts, sources, 'after a recount');
    expect((await recount([])).topics[0]).toMatchObject({ hoursRebuilt: 0, postsAdded: 0, postsRemoved: 0 });

    // An exclusion takes every fourth story out of every node it sits in.
    const spoilers = await recount(['spoiler']);
    expect(spoilers.topics[0]).toMatchObject({ hoursRebuilt: 1, postsAdded: 0, postsRemoved: 75 });
    await expectExact(store, posts.filter((post) => !post.text.includes('spoiler')), sources, 'after an exclusion');
    expect((await recount(['spoiler'])).topics[0]).toMatchObject({ hoursRebuilt: 0 });
    expect((await trendItems(tableName)).length).toBeGreaterThan(2);
  });

  it('leaves exact buckets when a recount that lays a hot hour out anew crashed after any store call and ran again', { timeout: 600_000 }, async () => {
    const sources = ['feed-a', 'feed-b'];
    const posts = hotHour(120, sources, 3);
    const nodeBytes = 2_500;
    const recount = (store: Store, at = now) => runRecount({ config: config([]), store, now: at, log: quiet, sinceMs: Date.parse(range.since) });
    const counter = crashingClient(dynamo.endpoint, Number.POSITIVE_INFINITY);
    const { store: plain, tableName: countingTable } = await dynamo.newStore({ bucketNodeBytes: nodeBytes });
    // Ingest grows the tree in another order than a recount lays it: the recount rewrites nodes.
    // (One batch after another, as a serialised pass ingests; writers at once are
    // store-concurrent-ingest.test.ts's.)
    const ingestAll = async (store: Store) => {
      for (const batch of split(posts, 3)) await store.ingest(batch, opts);
    };
    await ingestAll(plain);
    const { store: counting } = await dynamo.newStore({ tableName: countingTable, client: counter.client, bucketNodeBytes: nodeBytes });
    expect((await recount(counting)).topics[0]!.hoursRebuilt).toBe(1);
    const totalCalls = counter.calls();
    expect((await trendItems(countingTable)).length).toBeGreaterThan(2);

    for (let crashAfter = 1; crashAfter <= totalCalls; crashAfter++) {
      const { store, tableName } = await dynamo.newStore({ bucketNodeBytes: nodeBytes });
      await ingestAll(store);
      const { store: crashed } = await dynamo.newStore({ tableName, client: crashingClient(dynamo.endpoint, crashAfter).client, bucketNodeBytes: nodeBytes });
      await recount(crashed).catch(() => 'crashed');
      // Run again once the dead recount's lock has run out.
      await recount(store, new Date(now.getTime() + PASS_LEASE_MS));
      await expectExact(store, posts, sources, `crash after store call ${crashAfter}`);
      expect((await recount(store, new Date(now.getTime() + PASS_LEASE_MS))).topics[0]!.hoursRebuilt, `crash after store call ${crashAfter}`).toBe(0);
    }
  });
});
