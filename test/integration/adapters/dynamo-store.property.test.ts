// The idempotency claim as properties: however posts arrive (repeated, overlapping, split into any
// batches, concurrently) the stored trends equal one ingest of the distinct posts.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../lambdas/core/ports.ts';
import type { ScoredPost } from '../../../lambdas/core/types.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { scoredPost } from '../../helpers/posts.ts';

const now = new Date('2026-11-20T12:00:00Z');
const opts = { now, retentionDays: 90 };
const range = { since: '2026-11-20T00:00:00.000Z', until: '2026-11-21T00:00:00.000Z' };
const SOURCES = ['feed-a', 'feed-b'];

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

const hourIso = (hour: number) => `2026-11-20T${String(hour).padStart(2, '0')}:00:00.000Z`;

/**
 * A small universe so repeats and cross-source duplicates are frequent. A story's content is a
 * function of its key; the hour it is seen in is not (undated posts are placed at first sight)
 * unless `fixedHour`.
 */
const postArb = (fixedHour: boolean) =>
  fc
    .record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), sourceId: fc.constantFrom(...SOURCES), hour: fc.integer({ min: 8, max: 11 }) })
    .map(({ key, sourceId, hour }) => {
      const n = key.charCodeAt(0);
      return scoredPost({
        key,
        sourceId,
        label: (['positive', 'negative', 'neutral'] as const)[n % 3]!,
        topics: [{ topicId: 'show', petition: n % 2 === 0 }],
        bucketStart: hourIso(fixedHour ? 8 + (n % 4) : hour),
      });
    });

const batchesArb = (fixedHour: boolean) => fc.array(fc.array(postArb(fixedHour), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 });

async function trends(store: Store) {
  const all = await store.queryTrends({ topic: 'show', ...range });
  const perSource = await Promise.all(SOURCES.map((source) => store.queryTrends({ topic: 'show', source, ...range })));
  return { all, perSource };
}

/** One ingest of each (story, source) once, each story in the hour it was first seen in. */
async function referenceTrends(arrivals: readonly ScoredPost[]) {
  const firstHour = new Map<string, string>();
  const distinct = new Map<string, ScoredPost>();
  for (const post of arrivals) {
    if (!firstHour.has(post.dedupKey)) firstHour.set(post.dedupKey, post.bucketStart);
    const key = `${post.dedupKey}|${post.sourceId}`;
    if (!distinct.has(key)) distinct.set(key, { ...post, bucketStart: firstHour.get(post.dedupKey)! });
  }
  const { store } = await dynamo.newStore();
  await store.ingest([...distinct.values()], opts);
  return trends(store);
}

describe('DynamoStore.ingest (property)', () => {
  it('always equals one ingest of the distinct posts, however they are batched and repeated', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb(false), async (batches) => {
        const { store } = await dynamo.newStore();
        for (const batch of batches) await store.ingest(batch, opts);
        await store.ingest(batches.flat(), opts); // a re-poll of everything
        expect(await trends(store)).toEqual(await referenceTrends(batches.flat()));
      }),
      { numRuns: 25 },
    );
  });

  it('always stays exact when batches are ingested concurrently', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb(true), async (batches) => {
        const { store } = await dynamo.newStore();
        await Promise.all(batches.map((batch) => store.ingest(batch, opts)));
        expect(await trends(store)).toEqual(await referenceTrends(batches.flat()));
      }),
      { numRuns: 25 },
    );
  });

  it('keeps the sentiment of exactly the petition mentions: each split adds up to its count, hour by hour', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb(false), async (batches) => {
        const { store } = await dynamo.newStore();
        for (const batch of batches) await store.ingest(batch, opts);
        await store.ingest(batches.flat(), opts);
        // By hand: each story once, in the hour it was first seen in, with its petition flag and label.
        const firstSeen = new Map<string, ScoredPost>();
        for (const post of batches.flat()) if (!firstSeen.has(post.dedupKey)) firstSeen.set(post.dedupKey, post);
        const expected = new Map<string, number[]>();
        for (const post of firstSeen.values()) {
          const row = expected.get(post.bucketStart) ?? [0, 0, 0, 0, 0];
          const petition = post.topics[0]!.petition;
          row[0]! += 1;
          if (petition) {
            row[1]! += 1;
            row[2 + ['positive', 'negative', 'neutral'].indexOf(post.sentiment.label)]! += 1;
          }
          expected.set(post.bucketStart, row);
        }
        const stored = await store.queryTrends({ topic: 'show', ...range });
        for (const b of stored) {
          expect(b.positive + b.negative + b.neutral).toBe(b.posts);
          expect(b.petitionPositive + b.petitionNegative + b.petitionNeutral).toBe(b.petitionMentions);
        }
        expect(new Map(stored.map((b) => [b.bucketStart, [b.posts, b.petitionMentions, b.petitionPositive, b.petitionNegative, b.petitionNeutral]]))).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });
});
