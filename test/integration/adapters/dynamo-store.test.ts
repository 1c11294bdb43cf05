import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceState, SpikeAlert } from '../../../lambdas/core/types.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { scoredPost } from '../../helpers/posts.ts';

const now = new Date('2026-11-20T12:00:00Z');
const opts = { now, retentionDays: 90 };
const range = { since: '2026-11-20T00:00:00.000Z', until: '2026-11-21T00:00:00.000Z' };

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

describe('DynamoStore.ingest', () => {
  it('counts posts into the topic bucket and the source bucket of their hour', async () => {
    const { store } = await dynamo.newStore();
    const result = await store.ingest(
      [
        scoredPost({ key: 'a', label: 'positive', topics: [{ topicId: 'show', petition: true }] }),
        scoredPost({ key: 'b', label: 'negative' }),
        scoredPost({ key: 'c', bucketStart: '2026-11-20T11:00:00.000Z' }),
      ],
      opts,
    );
    expect(result.newPosts).toBe(3);
    expect(result.touchedTopics).toEqual(['show']);
    const all = await store.queryTrends({ topic: 'show', ...range });
    expect(all.map((b) => [b.bucketStart, b.posts, b.petitionMentions, b.positive, b.negative, b.neutral])).toEqual([
      ['2026-11-20T10:00:00.000Z', 2, 1, 1, 1, 0],
      ['2026-11-20T11:00:00.000Z', 1, 0, 0, 0, 1],
    ]);
    expect(all[0]!.sentimentMean).toBe(0);
    const own = await store.queryTrends({ topic: 'show', source: 'feed-a', ...range });
    expect(own.map((b) => b.posts)).toEqual([2, 1]);
  });

  it('writes nothing when the same posts are ingested again', async () => {
    const { store } = await dynamo.newStore();
    const posts = [scoredPost({ key: 'a' }), scoredPost({ key: 'b' })];
    await store.ingest(posts, opts);
    const again = await store.ingest(posts, opts);
    expect(again).toEqual({ newPosts: 0, bucketWrites: 0, touchedTopics: [] });
    expect((await store.queryTrends({ topic: 'show', ...range }))[0]!.posts).toBe(2);
  });

  it('counts a link seen from two sources once per topic but in each source bucket', async () => {
    const { store } = await dynamo.newStore();
    await store.ingest([scoredPost({ key: 'same', sourceId: 'feed-a' })], opts);
    await store.ingest([scoredPost({ key: 'same', sourceId: 'feed-b', bucketStart: '2026-11-20T11:00:00.000Z' })], opts);
    const all = await store.queryTrends({ topic: 'show', ...range });
    expect(all.map((b) => [b.bucketStart, b.posts])).toEqual([['2026-11-20T10:00:00.000Z', 1]]);
    // The second source counts it in the hour the post was first stored in.
    expect((await store.queryTrends({ topic: 'show', source: 'feed-b', ...range })).map((b) => [b.bucketStart, b.posts])).toEqual([
      ['2026-11-20T10:00:00.000Z', 1],
    ]);
  });

  it('keeps counts exact when two passes ingest overlapping posts at the same time', async () => {
    const { store } = await dynamo.newStore();
    const keys = Array.from({ length: 40 }, (_, i) => `p${i}`);
    const passA = keys.slice(0, 30).map((key) => scoredPost({ key }));
    const passB = keys.slice(10).map((key) => scoredPost({ key }));
    await Promise.all([store.ingest(passA, opts), store.ingest(passB, opts), store.ingest(passA, opts)]);
    expect((await store.queryTrends({ topic: 'show', ...range }))[0]!.posts).toBe(40);
  });

  it('keeps the top posts of a bucket with petition mentions first', async () => {
    const { store } = await dynamo.newStore();
    await store.ingest(
      [
        scoredPost({ key: 'loud', label: 'negative' }),
        scoredPost({ key: 'sign', topics: [{ topicId: 'show', petition: true }] }),
      ],
      opts,
    );
    const top = await store.topPosts('show', range.since, range.until, 5);
    expect(top.map((p) => p.title)).toEqual(['Post sign', 'Post loud']);
  });
});

describe('DynamoStore source state', () => {
  it('round-trips the state of a source', async () => {
    const { store } = await dynamo.newStore();
    const state = {
      sourceId: 'feed-a', etag: '"x"', lastModified: null, cursor: null, health: 'ok' as const,
      lastSuccess: now.toISOString(), lastAttempt: now.toISOString(), lastError: null, lastErrorKind: null,
      consecutiveFailures: 0, itemsSeen: 3, retryAfter: null, rejected: 2, lastRejection: 'item 4: id: missing', detail: 'reads the .rss listings',
    };
    await store.putSourceState(state);
    expect((await store.getSourceStates(['feed-a', 'feed-b'])).get('feed-a')).toEqual(state);
  });

  it('reads a state stored by an older release with the fields it lacked at their initial values', async () => {
    const { store } = await dynamo.newStore();
    const old = {
      sourceId: 'feed-a', etag: null, lastModified: null, cursor: null, health: 'ok' as const,
      lastSuccess: now.toISOString(), lastAttempt: now.toISOString(), lastError: null, lastErrorKind: null,
      consecutiveFailures: 0, itemsSeen: 3, retryAfter: null,
    };
    await store.putSourceState(old as SourceState);
    expect((await store.getSourceStates(['feed-a'])).get('feed-a')).toEqual({ ...old, rejected: 0, lastRejection: null, detail: null });
  });
});

describe('DynamoStore sessions', () => {
  it('keeps a session by key and replaces it', async () => {
    const { store } = await dynamo.newStore();
    expect(await store.getSession('bluesky:fan.example')).toBeNull();
    await store.putSession('bluesky:fan.example', '{"accessJwt":"a"}');
    await store.putSession('bluesky:fan.example', '{"accessJwt":"b"}');
    expect(await store.getSession('bluesky:fan.example')).toBe('{"accessJwt":"b"}');
    expect(await store.getSession('bluesky:other.example')).toBeNull();
  });
});

describe('DynamoStore alerts', () => {
  const alert = (id: string, detectedAt: string): SpikeAlert => ({
    id, topic: 'show', topicName: 'Show', kind: 'petition-spike', windowStart: detectedAt, windowEnd: detectedAt,
    count: 30, baseline: 0.5, threshold: 8, pValue: 1e-9, sentimentMean: 1, positive: 3, negative: 1, neutral: 0,
    topPosts: [], detectedAt, status: 'pending', sentAt: null,
  });

  it('lets one alert through per cooldown and keeps it pending until sent', async () => {
    const { store } = await dynamo.newStore();
    const first = alert('a1', '2026-11-20T10:00:00.000Z');
    expect(await store.claimAlert(first, '2026-11-20T16:00:00.000Z')).toBe(true);
    expect(await store.claimAlert(alert('a2', '2026-11-20T11:00:00.000Z'), '2026-11-20T17:00:00.000Z')).toBe(false);
    expect((await store.pendingAlerts()).map((a) => a.id)).toEqual(['a1']);
    await store.markAlertSent(first, '2026-11-20T10:01:00.000Z');
    expect(await store.pendingAlerts()).toEqual([]);
    // Still in cooldown after delivery; free again once it has passed.
    expect(await store.claimAlert(alert('a3', '2026-11-20T15:00:00.000Z'), '2026-11-20T21:00:00.000Z')).toBe(false);
    expect(await store.claimAlert(alert('a4', '2026-11-20T16:30:00.000Z'), '2026-11-20T22:30:00.000Z')).toBe(true);
    const history = await store.listAlerts('2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z');
    expect(history.map((a) => [a.id, a.status])).toEqual([
      ['a1', 'sent'],
      ['a4', 'pending'],
    ]);
  });

  it('lets only one pass at a time take a pending alert for delivery', async () => {
    const { store } = await dynamo.newStore();
    const pending = alert('a1', '2026-11-20T10:00:00.000Z');
    await store.claimAlert(pending, '2026-11-20T16:00:00.000Z');
    const at = '2026-11-20T10:01:00.000Z';
    const leases = await Promise.all([1, 2, 3].map(() => store.leaseAlert(pending, at, '2026-11-20T10:06:00.000Z')));
    expect(leases.filter(Boolean)).toHaveLength(1);
    // A pass that died holding it lets the lease run out; a later pass may take it.
    expect(await store.leaseAlert(pending, '2026-11-20T10:05:00.000Z', '2026-11-20T10:10:00.000Z')).toBe(false);
    expect(await store.leaseAlert(pending, '2026-11-20T10:06:00.000Z', '2026-11-20T10:11:00.000Z')).toBe(true);
    await store.markAlertSent(pending, '2026-11-20T10:07:00.000Z');
    expect(await store.leaseAlert(pending, '2026-11-20T10:20:00.000Z', '2026-11-20T10:25:00.000Z')).toBe(false);
  });

  it('never replaces an undelivered alert, even after its cooldown', async () => {
    const { store } = await dynamo.newStore();
    await store.claimAlert(alert('a1', '2026-11-20T10:00:00.000Z'), '2026-11-20T11:00:00.000Z');
    expect(await store.claimAlert(alert('a2', '2026-11-20T12:00:00.000Z'), '2026-11-20T13:00:00.000Z')).toBe(false);
    expect((await store.pendingAlerts()).map((a) => a.id)).toEqual(['a1']);
  });
});
