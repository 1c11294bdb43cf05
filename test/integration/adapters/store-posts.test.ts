// The post listing over a real dynalite table: exact lists against hand-built posts, the sources
// and topics that counted each, filters, and paging that never skips or repeats a post.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostQuery, Store } from '../../../lambdas/core/ports.ts';
import type { ListedPost } from '../../../lambdas/core/types.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { scoredPost } from '../../helpers/posts.ts';

const NOW = new Date('2026-11-20T12:00:00.000Z');
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

const query = (overrides: Partial<PostQuery> = {}): PostQuery => ({
  topics: ['show'],
  since: '2026-11-20T00:00:00.000Z',
  until: '2026-11-21T00:00:00.000Z',
  limit: 50,
  ...overrides,
});

async function all(store: Store, q: PostQuery): Promise<ListedPost[]> {
  const posts: ListedPost[] = [];
  let after: PostQuery['after'] = null;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = await store.listPosts({ ...q, after });
    posts.push(...page.posts);
    if (!page.next) return posts;
    after = page.next;
  }
  throw new Error('paging never ended');
}

describe('DynamoStore.listPosts', () => {
  it('lists the posts the buckets counted, newest first, with the sources and topics that counted them', async () => {
    const { store } = await dynamo.newStore();
    await store.ingest(
      [
        scoredPost({ key: 'a', published: '2026-11-20T10:15:00.000Z', bucketStart: '2026-11-20T10:00:00.000Z', label: 'positive' }),
        // The same story from a second source: one post, two sources.
        scoredPost({ key: 'a', sourceId: 'feed-b', published: '2026-11-20T10:15:00.000Z', bucketStart: '2026-11-20T10:00:00.000Z', label: 'positive' }),
        scoredPost({ key: 'b', published: '2026-11-20T10:45:00.000Z', bucketStart: '2026-11-20T10:00:00.000Z', topics: [{ topicId: 'show', petition: true }, { topicId: 'spinoff', petition: false }] }),
        scoredPost({ key: 'c', published: '2026-11-20T11:05:00.000Z', bucketStart: '2026-11-20T11:00:00.000Z', label: 'negative' }),
        scoredPost({ key: 'd', published: null, bucketStart: '2026-11-20T09:00:00.000Z', topics: [{ topicId: 'spinoff', petition: true }] }),
        scoredPost({ key: 'old', published: '2026-11-19T23:10:00.000Z', bucketStart: '2026-11-19T23:00:00.000Z' }),
      ],
      { now: NOW, retentionDays: 90 },
    );
    const page = await store.listPosts(query());
    expect(page.next).toBeNull();
    expect(page.posts.map((p) => [p.title, p.sources, p.topics, p.petition, p.label])).toEqual([
      ['Post c', ['feed-a'], ['show'], false, 'negative'],
      ['Post b', ['feed-a'], ['show'], true, 'neutral'],
      ['Post a', ['feed-a', 'feed-b'], ['show'], false, 'positive'],
    ]);
    expect(page.posts[2]).toMatchObject({ link: 'https://example.com/a', text: 'text of a', published: '2026-11-20T10:15:00.000Z', bucketStart: '2026-11-20T10:00:00.000Z', score: 2 });

    const both = await store.listPosts(query({ topics: ['show', 'spinoff'] }));
    expect(both.posts.map((p) => [p.title, p.topics, p.petition])).toEqual([
      ['Post c', ['show'], false],
      ['Post b', ['show', 'spinoff'], true],
      ['Post a', ['show'], false],
      ['Post d', ['spinoff'], true],
    ]);
    // A petition mention in spinoff only is not one in show.
    expect((await store.listPosts(query({ topics: ['spinoff'], petition: false }))).posts.map((p) => p.title)).toEqual(['Post b']);
    expect((await store.listPosts(query({ petition: true }))).posts.map((p) => p.title)).toEqual(['Post b']);
    expect((await store.listPosts(query({ label: 'positive' }))).posts.map((p) => p.title)).toEqual(['Post a']);
    expect((await store.listPosts(query({ source: 'feed-b' }))).posts.map((p) => p.title)).toEqual(['Post a']);
    expect((await store.listPosts(query({ since: '2026-11-20T11:00:00.000Z' }))).posts.map((p) => p.title)).toEqual(['Post c']);
    expect((await store.listPosts(query({ until: '2026-11-20T11:00:00.000Z' }))).posts.map((p) => p.title)).toEqual(['Post b', 'Post a']);
  });

  it('pages through any set of posts without skipping or repeating one, whatever the page size', async () => {
    const hour = (h: number) => `2026-11-20T${String(h).padStart(2, '0')}:00:00.000Z`;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            key: fc.stringMatching(/^[a-z0-9]{1,8}$/),
            hour: fc.integer({ min: 0, max: 5 }),
            minute: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
            petition: fc.boolean(),
          }),
          { selector: (p) => p.key, maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (specs, limit, petitionOnly) => {
          const { store } = await dynamo.newStore();
          await store.ingest(
            specs.map((s) =>
              scoredPost({
                key: s.key,
                bucketStart: hour(s.hour),
                // Ties in time are common (whole minutes) and must still page exactly.
                published: s.minute === null ? null : `${hour(s.hour).slice(0, 14)}${String(s.minute * 15).padStart(2, '0')}:00.000Z`,
                topics: [{ topicId: 'show', petition: s.petition }],
              }),
            ),
            { now: NOW, retentionDays: 90 },
          );
          const listed = await all(store, query({ limit, ...(petitionOnly ? { petition: true } : {}) }));
          const expected = specs.filter((s) => !petitionOnly || s.petition);
          expect(listed.map((p) => p.title).sort()).toEqual(expected.map((s) => `Post ${s.key}`).sort());
          // Newest hour first.
          const hours = listed.map((p) => p.bucketStart);
          expect(hours).toEqual([...hours].sort().reverse());
        },
      ),
      { numRuns: 25 },
    );
  });
});
