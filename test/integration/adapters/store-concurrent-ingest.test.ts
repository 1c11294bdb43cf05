// Ingests at once (a fanned-out pass's workers, `concurrentIngests`) storing the same stories from
// different sources, over dynalite through the AWS SDK: every post item keeps all its sources and
// is whole from the one source that stored it first, the buckets count each story in that item's
// hour and quote it from that source, whatever the interleaving, crashes and re-runs; and a
// recount afterwards finds nothing to change.

import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../lambdas/adapters/dynamo-client.ts';
import { parseConfig } from '../../../lambdas/config/load.ts';
import type { Store } from '../../../lambdas/core/ports.ts';
import { runRecount } from '../../../lambdas/core/recount.ts';
import type { ScoredPost } from '../../../lambdas/core/types.ts';
import { crashingClient } from '../../helpers/crashing-client.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { scoredPost } from '../../helpers/posts.ts';

const now = new Date('2026-11-20T12:00:00Z');
const opts = { now, retentionDays: 90, concurrentIngests: true };
const range = { since: '2026-11-20T00:00:00.000Z', until: '2026-11-21T00:00:00.000Z' };
const SOURCES = ['feed-a', 'feed-b', 'feed-c'];
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const LABELS = ['positive', 'negative', 'neutral'] as const;

let dynamo: TestDynamo;
const clients: DynamoDBDocumentClient[] = [];
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynamo?.close();
});

/**
 * A story as one source lists it: the sentiment and petition flag follow the story, while the
 * title and the hour it is first seen in follow the source too, so a post item mixed from two
 * sources' copies, or a story counted in two hours, shows.
 */
function copy(key: string, sourceId: string): ScoredPost {
  const n = key.charCodeAt(0);
  const petition = n % 2 === 0;
  return scoredPost({
    key,
    sourceId,
    label: LABELS[n % 3]!,
    title: `Post ${key} via ${sourceId}`,
    text: `show news${petition ? ', petition' : ''}`,
    topics: [{ topicId: 'show', petition }],
    bucketStart: `2026-11-20T${String(8 + SOURCES.indexOf(sourceId)).padStart(2, '0')}:00:00.000Z`,
  });
}

/** One batch per source (as a worker ingests its sources), each listing some stories. */
const batchesArb = fc.array(fc.record({ source: fc.constantFrom(...SOURCES), keys: fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1 }) }), { minLength: 2, maxLength: 4 }).map((batches) => batches.map(({ source, keys }) => keys.map((key) => copy(key, source))));

/** A store on `tableName` through a client of its own, whose nth request waits `delays[n]` ms first (an interleaving). */
function storeOn(tableName: string, delays: readonly number[] = []): Promise<Store> {
  const client = createDocumentClient({ endpoint: dynamo.endpoint });
  clients.push(client);
  let n = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const wait = delays[n++ % Math.max(1, delays.length)] ?? 0;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return next(args);
    },
    { step: 'initialize', name: 'interleave' },
  );
  return dynamo.newStore({ tableName, client }).then(({ store }) => store);
}

async function postItems(tableName: string): Promise<Map<string, Record<string, unknown>>> {
  const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: tableName, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'POST' }, ConsistentRead: true }));
  return new Map(Items.map((item) => [String(item.title).split(' ')[1]!, item]));
}

/** Posts per hour and scope as the store reads them back. */
async function trends(store: Store) {
  const read = async (source?: string) =>
    (await store.queryTrends({ topic: 'show', ...range, ...(source ? { source } : {}) })).map(({ bucketStart, posts, petitionMentions, positive, negative, neutral, sentimentSum }) => ({ bucketStart, posts, petitionMentions, positive, negative, neutral, sentimentSum }));
  return Object.fromEntries(await Promise.all([undefined, ...SOURCES].map(async (source) => [source ?? 'topic-wide', await read(source)] as const)));
}

/**
 * The table after the batches, whoever won each story: one item per story, naming every source
 * that listed it and whole from one of them (the first storer: title and hour are that source's
 * copy's); the buckets count each story once, in that hour, topic-wide and for each of its
 * sources, and quote it from that source.
 */
async function expectExact(store: Store, tableName: string, batches: readonly ScoredPost[][], what = '') {
  const listed = new Map<string, Set<string>>();
  for (const post of batches.flat()) (listed.get(post.dedupKey) ?? listed.set(post.dedupKey, new Set()).get(post.dedupKey)!).add(post.sourceId);
  const items = await postItems(tableName);
  expect([...items.keys()].sort(), what).toEqual([...listed.keys()].sort());

  const winners = new Map<string, ScoredPost>();
  for (const [key, sources] of listed) {
    const item = items.get(key)!;
    expect([...(item.sources as Set<string>)].sort(), `sources of ${key} ${what}`).toEqual([...sources].sort());
    expect(sources.has(String(item.sourceId)), `first source of ${key} ${what}`).toBe(true);
    const winner = copy(key, String(item.sourceId));
    expect({ title: item.title, bucketStart: item.bucketStart }, `item of ${key} ${what}`).toEqual({ title: winner.title, bucketStart: winner.bucketStart });
    winners.set(key, winner);
  }

  // By hand: each story once per scope, in its item's hour, with the story's label and petition flag.
  const want: Record<string, Map<string, { posts: number; petitionMentions: number; positive: number; negative: number; neutral: number; sentimentSum: number }>> = {};
  for (const [key, sources] of listed) {
    const story = winners.get(key)!;
    for (const scope of ['topic-wide', ...sources]) {
      const hours = (want[scope] ??= new Map());
      const row = hours.get(story.bucketStart) ?? { posts: 0, petitionMentions: 0, positive: 0, negative: 0, neutral: 0, sentimentSum: 0 };
      row.posts += 1;
      row.sentimentSum += story.sentiment.score;
      row[story.sentiment.label] += 1;
      if (story.topics[0]!.petition) row.petitionMentions += 1;
      hours.set(story.bucketStart, row);
    }
  }
  const expected = Object.fromEntries(['topic-wide', ...SOURCES].map((scope) => [scope, [...(want[scope] ?? new Map())].sort(([a], [b]) => a.localeCompare(b)).map(([bucketStart, row]) => ({ bucketStart, ...row }))]));
  expect(await trends(store), `buckets ${what}`).toEqual(expected);

  for (const top of await store.topPosts('show', range.since, range.until, 100)) {
    const key = top.link!.split('/').pop()!;
    expect(top.source, `top post ${key} ${what}`).toBe(items.get(key)!.sourceId);
  }
}

const config = parseConfig(
  {
    topics: [{ id: 'show', keywords: ['show news'], petitionKeywords: ['petition'] }],
    sources: SOURCES.map((id) => ({ id, type: 'rss', url: `https://${id}.example/feed.xml`, topics: ['show'] })),
  },
  'test config',
);
const quiet = { info: () => {}, warn: () => {} };

describe('concurrent ingests (concurrentIngests)', () => {
  it('keep every source of a story listed by several at once, and the first storer as its first source', async () => {
    // Every source lists every story: all of them race for every post item.
    const batches = SOURCES.map((source) => KEYS.map((key) => copy(key, source)));
    for (let round = 0; round < 5; round++) {
      const { tableName } = await dynamo.newStore();
      const stores = await Promise.all(batches.map(() => storeOn(tableName)));
      const results = await Promise.all(batches.map((batch, i) => stores[i]!.ingest(batch, opts)));
      await expectExact(stores[0]!, tableName, batches, `round ${round}`);
      // Each story is new to exactly one of them: the one that stored it.
      expect(results.reduce((sum, r) => sum + r.newPosts, 0)).toBe(KEYS.length);
    }
  });

  it('always leave exact post items and buckets, however their requests interleave', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 }), { minLength: 4, maxLength: 4 }), async (batches, delays) => {
        const { tableName } = await dynamo.newStore();
        const stores = await Promise.all(batches.map((_, i) => storeOn(tableName, delays[i])));
        await Promise.all(batches.map((batch, i) => stores[i]!.ingest(batch, opts)));
        await expectExact(stores[0]!, tableName, batches);
      }),
      { numRuns: 40 },
    );
  });

  it('leave the same post items and buckets when one crashed after any store call and ran again', { timeout: 300_000 }, async () => {
    const batches = [
      ['a', 'b', 'c', 'd', 'e'].map((key) => copy(key, 'feed-a')),
      ['c', 'd', 'e', 'f'].map((key) => copy(key, 'feed-b')),
      ['a', 'e', 'f', 'g'].map((key) => copy(key, 'feed-c')),
    ];
    const counter = crashingClient(dynamo.endpoint, Number.POSITIVE_INFINITY);
    const { tableName: countingTable } = await dynamo.newStore();
    const { store: counting } = await dynamo.newStore({ tableName: countingTable, client: counter.client });
    const others = await Promise.all(batches.slice(1).map(() => storeOn(countingTable)));
    await Promise.all([counting.ingest(batches[0]!, opts), ...batches.slice(1).map((batch, i) => others[i]!.ingest(batch, opts))]);
    const totalCalls = counter.calls();
    expect(totalCalls).toBeGreaterThan(3);

    // A few calls past the clean run's count: a lost race costs the crashing ingest extra calls.
    for (let crashAfter = 1; crashAfter <= totalCalls + 3; crashAfter++) {
      const { store, tableName } = await dynamo.newStore();
      const { store: crashing } = await dynamo.newStore({ tableName, client: crashingClient(dynamo.endpoint, crashAfter).client });
      const workers = await Promise.all(batches.slice(1).map(() => storeOn(tableName)));
      await Promise.all([crashing.ingest(batches[0]!, opts).catch(() => 'crashed'), ...batches.slice(1).map((batch, i) => workers[i]!.ingest(batch, opts))]);
      // The crashed worker's batch is delivered again.
      await store.ingest(batches[0]!, opts);
      await expectExact(store, tableName, batches, `crash after store call ${crashAfter}`);
    }
  });

  it('leave nothing for a recount to change', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        const { store, tableName } = await dynamo.newStore();
        const stores = await Promise.all(batches.map(() => storeOn(tableName)));
        await Promise.all(batches.map((batch, i) => stores[i]!.ingest(batch, opts)));
        const before = { trends: await trends(store), top: await store.topPosts('show', range.since, range.until, 100), items: await postItems(tableName) };
        const report = await runRecount({ config, store, now, log: quiet, sinceMs: Date.parse(range.since) });
        // (An hour whose sentiment sum came back to 0 is rewritten all the same: ingest keeps the
        // zero, a recount's layout leaves it out. The counts and quotes are what must not change.)
        expect(report.topics[0]).toMatchObject({ postsAdded: 0, postsRemoved: 0, hoursKept: [] });
        expect({ trends: await trends(store), top: await store.topPosts('show', range.since, range.until, 100), items: await postItems(tableName) }).toEqual(before);
        await expectExact(store, tableName, batches);
      }),
      { numRuns: 15 },
    );
  });
});
