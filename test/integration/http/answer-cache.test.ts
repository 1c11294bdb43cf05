// The query API's exact /trends cache (lambdas/http/answer-cache.ts) over real dynalite: an answer
// given again is the answer a fresh read gives, whatever was written, recounted or crashed between.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../lambdas/adapters/dynamo-client.ts';
import { createDynamoStore } from '../../../lambdas/adapters/dynamo-store.ts';
import { OPEN_WINDOW_MS } from '../../../lambdas/adapters/store/change-counter.ts';
import { parseConfig } from '../../../lambdas/config/load.ts';
import type { Store } from '../../../lambdas/core/ports.ts';
import { runRecount } from '../../../lambdas/core/recount.ts';
import { createAnswerCache, type AnswerCache } from '../../../lambdas/http/answer-cache.ts';
import { answerQuery } from '../../../lambdas/http/query-api.ts';
import { crashingClient } from '../../helpers/crashing-client.ts';
import { startDynamoRecorder, type DynamoRecorder } from '../../helpers/dynamo-recorder.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { scoredPost } from '../../helpers/posts.ts';

let dynamo: TestDynamo;
let recorder: DynamoRecorder;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  recorder = await startDynamoRecorder(dynamo.endpoint);
});
afterAll(async () => {
  await recorder?.close();
  await dynamo?.close();
});

const NOW = new Date('2026-11-20T12:20:00Z');
// Titles without the keyword: a recount under this config finds that they count for no topic.
const config = parseConfig(
  {
    topics: [
      { id: 'show', keywords: ['the show'] },
      { id: 'film', keywords: ['the film'] },
    ],
    sources: [{ id: 'feed-a', type: 'rss', url: 'http://127.0.0.1:9/feed.xml', topics: ['show', 'film'] }],
  },
  'test config',
);
const quiet = { info: () => {}, warn: () => {} };
const retention = { now: NOW, retentionDays: 30 };

const hourOf = (hoursBack: number) => new Date(Math.floor(NOW.getTime() / 3_600_000) * 3_600_000 - hoursBack * 3_600_000).toISOString();
const post = (key: string, hoursBack: number, topic = 'show') => scoredPost({ key, bucketStart: hourOf(hoursBack), published: hourOf(hoursBack), topics: [{ topicId: topic, petition: false }] });

/** GET /trends through the route table, as serve and the query Lambda answer it. */
async function trends(store: Store, cache: AnswerCache | undefined, query: Record<string, string> = { since: '3d' }, now = NOW) {
  const response = await answerQuery({ method: 'GET', path: '/trends', query }, async () => ({ config, store, cache }), now, (error) => {
    throw error;
  });
  expect(response.status).toBe(200);
  return response.body;
}

/** A store whose requests the recorder counts. */
async function recordedStore() {
  return dynamo.newStore({ client: createDocumentClient({ endpoint: recorder.endpoint }) });
}

const queries = () => recorder.calls.filter((c) => c.operation === 'Query').length;

describe('the /trends answer cache', () => {
  it('gives the same bytes as a fresh read, and on a repeat reads only the change counter', async () => {
    const { store } = await recordedStore();
    await store.ingest([post('a', 2), post('b', 30), post('c', 5, 'film')], retention);
    const cache = createAnswerCache();
    const first = await trends(store, cache);
    expect(first).toBe(await trends(store, undefined));
    recorder.reset();
    // Ten minutes on, same hour: the same hours read, so the same answer without reading them.
    const again = await trends(store, cache, { since: '3d' }, new Date(NOW.getTime() + 10 * 60_000));
    expect(again).toBe(first);
    expect(recorder.calls.map((c) => c.operation)).toEqual(['BatchGetItem']);
    // The next hour is another range: read afresh.
    const nextHour = new Date(NOW.getTime() + 45 * 60_000);
    expect(await trends(store, cache, { since: '3d' }, nextHour)).toBe(await trends(store, undefined, { since: '3d' }, nextHour));
    expect(queries()).toBeGreaterThan(0);
  });

  it('answers with a post ingested into an old hour on the next request', async () => {
    const { store } = await dynamo.newStore();
    await store.ingest([post('a', 2)], retention);
    const cache = createAnswerCache();
    const before = await trends(store, cache);
    await store.ingest([post('late', 40)], retention);
    const after = await trends(store, cache);
    expect(after).not.toBe(before);
    expect(after).toBe(await trends(store, undefined));
    expect(JSON.parse(after).find((b: { bucketStart: string; topic: string }) => b.topic === 'show' && b.bucketStart === hourOf(40)).posts).toBe(1);
  });

  it('adds no write to a pass that stores nothing new, and changes the answer after a recount', async () => {
    const { store } = await recordedStore();
    await store.ingest([post('a', 2), post('b', 3)], retention);
    const cache = createAnswerCache();
    const before = await trends(store, cache);
    recorder.reset();
    await store.ingest([post('a', 2), post('b', 3)], retention);
    expect(recorder.calls.filter((c) => !['BatchGetItem', 'Query'].includes(c.operation))).toEqual([]);
    expect(await trends(store, cache)).toBe(before);

    // The titles do not say "the show": the recount takes the posts out of the buckets.
    await runRecount({ config, store, now: NOW, log: quiet, sinceMs: NOW.getTime() - 3 * 86_400_000 });
    const after = await trends(store, cache);
    expect(after).toBe(await trends(store, undefined));
    expect(after).not.toBe(before);
    expect(JSON.parse(after).every((b: { posts: number }) => b.posts === 0)).toBe(true);
  });

  it('reads afresh after a writer that announced its write crashed, whether or not the write landed', async () => {
    // The crashing writer's store calls: read posts, write posts, read buckets, open the window, write the bucket, close it.
    for (const crashAfter of [4, 5]) {
      const { store, tableName } = await dynamo.newStore();
      await store.ingest([post('a', 2)], retention);
      const cache = createAnswerCache();
      const before = await trends(store, cache);
      const dying = crashingClient(dynamo.endpoint, crashAfter);
      const writer = createDynamoStore({ client: dying.client, tableName });
      await expect(writer.ingest([post('late', 40)], retention)).rejects.toThrow(/injected crash/);
      const after = await trends(store, cache);
      expect(after).toBe(await trends(store, undefined));
      expect(after === before).toBe(crashAfter === 4);
      // The window stays open: the bucket may still be landing, so nothing read now is kept...
      // (The window holds the writer's clock, the machine's.)
      expect((await store.changeMark(new Date())).writing).toBe(true);
      // ...until the window is older than any write can take: then the counter is trusted again.
      const later = new Date(Date.now() + OPEN_WINDOW_MS + 60_000);
      expect((await store.changeMark(later)).writing).toBe(false);
      dying.client.destroy();
    }
  });

  it('gives, after any interleaving of writes, crashed writes and reads, the answer a fresh read gives', { timeout: 600_000 }, async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), hoursBack: fc.integer({ min: 0, max: 60 }), topic: fc.constantFrom('show', 'film'), crashAfter: fc.option(fc.integer({ min: 1, max: 6 })) }),
      fc.record({ kind: fc.constant('read' as const), since: fc.constantFrom('1d', '3d'), bucket: fc.constantFrom('hour', 'day'), alongsideWrite: fc.boolean() }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const { store, tableName } = await dynamo.newStore();
        const cache = createAnswerCache({ answers: 3 });
        // Every write not yet awaited: a read waits for all of them, or a slower earlier write could land
        // between the cached read and the fresh one it is compared with.
        const pending: Promise<unknown>[] = [];
        const settled = () => Promise.all(pending.splice(0));
        for (const s of steps) {
          if (s.kind === 'write') {
            const key = `p${n++}`;
            const writer = s.crashAfter === null ? store : createDynamoStore({ client: crashingClient(dynamo.endpoint, s.crashAfter).client, tableName });
            // Not awaited: the next read may run while it writes.
            pending.push(writer.ingest([post(key, s.hoursBack, s.topic)], retention).catch((error: Error) => {
              if (!/injected crash|has crashed/.test(error.message)) throw error;
            }));
            continue;
          }
          const query = { since: s.since, bucket: s.bucket };
          if (s.alongsideWrite) {
            // Read while a write may be landing: the answer is one of the states around it.
            const during = trends(store, cache, query);
            await settled();
            await during;
          } else {
            await settled();
          }
          // Once the writes have settled, a read gives exactly what a fresh read gives.
          expect(await trends(store, cache, query)).toBe(await trends(store, undefined, query));
        }
        await settled();
      }),
      { numRuns: 40 },
    );
  });
});
