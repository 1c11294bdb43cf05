// The `youtube` source against a local YouTube Data API v3 serving the fixtures in the API's
// documented shapes (test/fixtures/youtube/README.md): the real fetcher, real HTTP, the API's
// newest-first threads, nextPageToken paging, replies beyond those a thread carries, search, titles,
// and Google's error bodies. Expected posts are written out by hand from the fixtures.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../../lambdas/adapters/http-fetcher.ts';
import { createSource } from '../../../../lambdas/adapters/sources/create-source.ts';
import { createYoutubeSource } from '../../../../lambdas/adapters/sources/youtube/index.ts';
import { sourceSchema, type SourceOf } from '../../../../lambdas/config/schema.ts';
import type { Source } from '../../../../lambdas/core/ports.ts';
import { afterFailure, initialSourceState, isDeferred } from '../../../../lambdas/core/source-health.ts';
import type { Post } from '../../../../lambdas/core/types.ts';
import { failure, pass } from '../../../helpers/source-poll.ts';
import { CHANNEL, CLIPS, INTERVIEW, REUNION, TRAILER, YOUTUBE_KEY, startFakeYoutube, youtubeFixture, type FakeYoutube, type Json } from '../../../helpers/youtube-api.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

// The 30-day horizon from NOW is 2026-10-21T12:00:00Z: thread T6 (2026-10-01) is history.
const NOW = new Date('2026-11-20T12:00:00Z');
const LATER = new Date('2026-11-20T13:00:00Z');

let fake: FakeYoutube;

beforeAll(async () => {
  fake = await startFakeYoutube();
  fake.server.route('/broken/youtube/v3/commentThreads', (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"youtube#commentThreadListResponse","items":[{"kind":"youtube#commentThr'),
  );
  fake.server.route('/odd/youtube/v3/commentThreads', (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"youtube#commentThreadListResponse","etag":"x","pageInfo":{"totalResults":0}}'),
  );
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.reset());

const fetcher = () => createHttpFetcher({ timeoutMs: 10_000, maxBytes: 1_000_000, perHostConcurrency: 4, userAgent: 'fanpulse-test/0.1 (integration tests; +https://example.test)' });

type YoutubeFields = Partial<Pick<SourceOf<'youtube'>, 'videos' | 'channel' | 'query' | 'baseUrl'>>;

function config(fields: YoutubeFields): SourceOf<'youtube'> {
  return sourceSchema.parse({ id: 'yt', type: 'youtube', topics: ['bosch-legacy'], baseUrl: fake.url, ...fields }) as SourceOf<'youtube'>;
}

/** Built as a poll builds it: from the config, with the key by name. */
function youtube(fields: YoutubeFields, credentials: Record<string, string> = { YOUTUBE_API_KEY: YOUTUBE_KEY }): Source {
  return createSource(config(fields), fetcher(), { credentials });
}

const asked = (method: string) => fake.asked.filter((request) => request.method === method);
const ids = (posts: Post[]) => posts.map((post) => post.id);

// The fixtures' ids (commentThreads-trailer.json, comments-<T2>.json, …).
const T1 = 'UgzN7vQ2aK9pXw4bLm1Ed4AaABAg';
const R1 = `${T1}.9Xk2bQwLp4H9Xk3cRz8Ty1`;
const T2 = 'Ugy3Hc8TfRk2LmZx0Pq9vB4AaABAg';
const R2a = `${T2}.9Xj7aA1bB2c9Xj7dD3eE4f`;
const R2b = `${T2}.9Xj8fF5gG6h9Xj8iI7jJ8k`;
const R2c = `${T2}.9Xj9lL9mM0n9Xj9oO1pP2q`;
const T3 = 'UgwB5rT1yHn6QpL0sKd2Xc4AaABAg';
const T4 = 'UgxK2mN8qVb3Wc7Rt5Yz1Lk4AaABAg';
const T5 = 'Ugz9Qw2Er4Ty6Ui8Op0As3Df4AaABAg';
const T7 = 'UgwPl0Ok9Ij8Uh7Yg6Tf5Rd4AaABAg';
const TC1 = 'UgxAa1Ss2Dd3Ff4Gg5Hh6Jj4AaABAg';
const TD1 = 'UgzQq1Ww2Ee3Rr4Tt5Yy6Uu4AaABAg';

const TRAILER_TITLE = 'Bosch: Legacy – Final Season Official Trailer | Prime Video';

function expected(video: string, id: string, author: string, title: string, text: string, published: string): Post {
  const link = `https://www.youtube.com/watch?v=${video}&lc=${id}`;
  return { sourceId: 'yt', id, dedupKey: sha(link), link, author, title, text, published };
}
const onTrailer = (id: string, author: string, reply: boolean, text: string, published: string) =>
  expected(TRAILER, id, author, `${reply ? 'Reply' : 'Comment'} on: ${TRAILER_TITLE}`, text, published);

const TRAILER_POSTS: Post[] = [
  onTrailer(T1, '@harrysbosch', false, 'Renew Bosch: Legacy! I signed the petition at change.org, 40k and counting', '2026-11-20T11:30:00.000Z'),
  onTrailer(R1, '@maddiefan', true, 'Signed it too, this show is great', '2026-11-20T11:40:00.000Z'),
  onTrailer(T2, '@lapd_hollywood', false, 'Amazon cancelling this was a terrible decision', '2026-11-20T10:00:00.000Z'),
  // T2 has 3 replies and carries 2: all 3 come from comments.list?parentId=T2, in its order.
  onTrailer(R2a, '@crate_and_barrel', true, 'Freevee was the problem, not the show', '2026-11-20T10:10:00.000Z'),
  onTrailer(R2b, '@honeychandler', true, 'Agreed, the ratings were good', '2026-11-20T10:20:00.000Z'),
  // No textOriginal (not accessible to the viewer): textDisplay, plain as asked.
  onTrailer(R2c, '@jerryedgar', true, 'Write to Amazon & sign the petition', '2026-11-20T10:45:00.000Z'),
  // Edited on 2026-11-20: still counted when it was first posted.
  onTrailer(T3, '@titoviewer', false, 'Ballard looks good. Still want a season 4 of Legacy though', '2026-11-19T08:00:00.000Z'),
  onTrailer(T5, '@edgarfan', false, 'Rewatching from the start before the finale', '2026-10-25T09:00:00.000Z'),
];
const T7_POST = onTrailer(T7, '@maddiefan', false, 'Just heard the news, fans are trending #SaveBoschLegacy again', '2026-11-20T12:30:00.000Z');
const TC1_POST = expected(INTERVIEW, TC1, '@honeychandler', 'Comment on: Titus Welliver on saying goodbye to Bosch', 'Titus Welliver is the best part of this interview', '2026-11-20T09:00:00.000Z');
const TD1_POST = expected(REUNION, TD1, '@crate_and_barrel', 'Comment on: Bosch: Legacy cast reunion | Full panel', 'The cast reunion made me miss this show', '2026-11-20T08:00:00.000Z');

/** Thread T7 is posted between the passes. */
function newThreadPosted(): void {
  const [t7] = youtubeFixture('commentThreads-trailer-new.json')['items'] as Json[];
  fake.threads.set(TRAILER, [...(fake.threads.get(TRAILER) ?? []), t7!]);
}

describe('youtube source', () => {
  it("reads a video's comments and replies of the last 30 days on a first pass, counting the thread it cannot read", async () => {
    const { poll, posts } = await pass(youtube({ videos: [TRAILER] }), initialSourceState('yt'), NOW);

    expect(posts).toEqual(TRAILER_POSTS);
    expect(poll.rejected).toEqual({ count: 1, first: expect.stringMatching(new RegExp(`^comment thread ${T4} on video ${TRAILER}: snippet\\.topLevelComment\\.snippet\\.publishedAt: `)) });
    // One page of threads, one of T2's replies, one title lookup.
    expect(poll.detail).toBe('read comments on 1 video; used 3 quota units this pass');
  });

  it('asks the API as documented, with the key in a header and never in a URL', async () => {
    await pass(youtube({ videos: [TRAILER] }), initialSourceState('yt'), NOW);

    const [threads] = asked('commentThreads');
    expect(Object.fromEntries(threads!.params)).toEqual({ part: 'snippet,replies', videoId: TRAILER, order: 'time', maxResults: '100', textFormat: 'plainText' });
    const [replies] = asked('comments');
    expect(Object.fromEntries(replies!.params)).toEqual({ part: 'snippet', parentId: T2, maxResults: '100', textFormat: 'plainText' });
    const [videos] = asked('videos');
    expect(Object.fromEntries(videos!.params)).toEqual({ part: 'snippet', id: TRAILER, maxResults: '50' });
    expect(fake.asked.map((request) => request.key)).toEqual([YOUTUBE_KEY, YOUTUBE_KEY, YOUTUBE_KEY]);
    expect(fake.asked.every((request) => !request.params.has('key'))).toBe(true);
  });

  it('follows nextPageToken through threads and replies', async () => {
    fake.pageSize = 2;

    const { poll, posts } = await pass(youtube({ videos: [TRAILER] }), initialSourceState('yt'), NOW);

    expect(posts).toEqual(TRAILER_POSTS);
    expect(asked('commentThreads').map((request) => request.params.get('pageToken'))).toEqual([null, 'QURTSl9p2', 'QURTSl9p4']);
    expect(asked('comments').map((request) => request.params.get('pageToken'))).toEqual([null, 'QURTSl9p2']);
    expect(poll.detail).toBe('read comments on 1 video; used 6 quota units this pass');
  });

  it('adds only what is new on a second pass, from one page and the title it already knows', async () => {
    const source = youtube({ videos: [TRAILER] });
    const first = await pass(source, initialSourceState('yt'), NOW);
    newThreadPosted();
    fake.asked.length = 0;

    const second = await pass(source, first.state, LATER);

    expect(second.posts).toEqual([T7_POST]);
    expect(fake.asked.map((request) => request.method)).toEqual(['commentThreads']);
    expect(second.poll.detail).toBe('read comments on 1 video; used 1 quota unit this pass');
    expect(second.state.itemsSeen).toBe(TRAILER_POSTS.length + 1);
  });

  it('continues a walk its page budget cut short on the next pass, after what is new', async () => {
    fake.pageSize = 2;
    const source = createYoutubeSource(config({ videos: [TRAILER] }), { fetcher: fetcher(), credentials: { YOUTUBE_API_KEY: YOUTUBE_KEY }, pagesPerPass: 2 });

    const first = await pass(source, initialSourceState('yt'), NOW);
    fake.asked.length = 0;
    const second = await pass(source, first.state, LATER);

    expect(ids(first.posts)).toEqual([T1, R1, T2, R2a, R2b, R2c, T3]);
    expect(ids(second.posts)).toEqual([T5]);
    // The top page (nothing new above T1), then the pending walk from where the first pass stopped.
    expect(asked('commentThreads').map((request) => request.params.get('pageToken'))).toEqual([null, 'QURTSl9p4']);
    expect(second.poll.detail).toBe('read comments on 1 video; used 2 quota units this pass');
  });

  it("reads every thread related to a channel, titled by each comment's video", async () => {
    const { poll, posts } = await pass(youtube({ channel: CHANNEL }), initialSourceState('yt'), NOW);

    const [trailerT1, r1, trailerT2, r2a, r2b, r2c, t3, t5] = TRAILER_POSTS;
    expect(posts).toEqual([trailerT1, r1, trailerT2, r2a, r2b, r2c, TC1_POST, TD1_POST, t3, t5]);
    expect(asked('commentThreads')[0]!.params.get('allThreadsRelatedToChannelId')).toBe(CHANNEL);
    expect(asked('commentThreads')[0]!.params.has('videoId')).toBe(false);
    // Three videos' titles in one videos.list call.
    expect(asked('videos').map((request) => request.params.get('id'))).toEqual([`${TRAILER},${INTERVIEW},${REUNION}`]);
    expect(poll.detail).toBe(`read comments on channel ${CHANNEL}; used 3 quota units this pass`);
  });

  it('finds new videos with a search at most once an hour and reads their comments too', async () => {
    const source = youtube({ videos: [TRAILER], query: 'bosch legacy' });

    const first = await pass(source, initialSourceState('yt'), NOW);
    const [search] = asked('search');
    fake.asked.length = 0;
    const halfHour = await pass(source, first.state, new Date('2026-11-20T12:30:00Z'));
    const searchedThen = asked('search').length;
    fake.asked.length = 0;
    const anHour = await pass(source, halfHour.state, LATER);

    expect(Object.fromEntries(search!.params)).toEqual({
      part: 'snippet',
      type: 'video',
      order: 'date',
      q: 'bosch legacy',
      maxResults: '50',
      publishedAfter: '2026-10-21T12:00:00.000Z',
    });
    // The reunion video comes from the search, titled by it: only the trailer's title is looked up.
    expect(first.posts).toEqual([...TRAILER_POSTS, TD1_POST]);
    expect(asked('videos')).toEqual([]);
    expect(first.poll.rejected).toEqual({ count: 2, first: expect.stringMatching(/^search result #2 for "bosch legacy": id\.videoId: /) });
    expect(first.poll.detail).toBe(
      'read comments on 2 videos (1 found by searching "bosch legacy"); searched for new videos (next search after 2026-11-20T13:00:00.000Z); used 104 quota units this pass',
    );
    expect(searchedThen).toBe(0);
    expect(halfHour.posts).toEqual([]);
    expect(halfHour.poll.detail).toBe('read comments on 2 videos (1 found by searching "bosch legacy"); next search for new videos after 2026-11-20T13:00:00.000Z; used 2 quota units this pass');
    expect(asked('search')).toHaveLength(1);
    expect(anHour.poll.detail).toBe(
      'read comments on 2 videos (1 found by searching "bosch legacy"); searched for new videos (next search after 2026-11-20T14:00:00.000Z); used 102 quota units this pass',
    );
  });

  it("searches within the channel when one is set", async () => {
    await pass(youtube({ channel: CHANNEL, query: 'bosch legacy' }), initialSourceState('yt'), NOW);

    expect(asked('search')[0]!.params.get('channelId')).toBe(CHANNEL);
  });

  describe('quota', () => {
    it('defers the source to the next midnight Pacific time when the daily quota is used up', async () => {
      fake.refusals.set('commentThreads', { status: 403, fixture: 'error-quotaExceeded.json' });

      const error = await failure(youtube({ videos: [TRAILER] }).poll(initialSourceState('yt'), NOW));
      const state = afterFailure(initialSourceState('yt'), error, NOW);

      // 12:00 UTC is 04:00 PST; the quota comes back at 00:00 PST on the 21st, 08:00 UTC: 20 hours.
      expect(error.details).toMatchObject({ status: 403, retryAfterMs: 20 * 3_600_000 });
      expect(error.message).toMatch(/daily quota used up \(quotaExceeded, after 1 units this pass\).*midnight Pacific time, 2026-11-21T08:00:00\.000Z/);
      expect(state.retryAfter).toBe('2026-11-21T08:00:00.000Z');
      expect(isDeferred(state, new Date('2026-11-21T07:59:59Z'))).toBe(true);
      expect(isDeferred(state, new Date('2026-11-21T08:00:00Z'))).toBe(false);
    });

    it.each([
      // 01:30 PST on the day daylight saving time starts: the next midnight is already PDT (UTC-7).
      ['2026-03-08T09:30:00Z', '2026-03-09T07:00:00.000Z'],
      // 23:30 PDT the evening before it ends: midnight is still PDT.
      ['2026-11-01T06:30:00Z', '2026-11-01T07:00:00.000Z'],
      // 04:00 PST just after it ended: the next midnight is PST (UTC-8).
      ['2026-11-01T12:00:00Z', '2026-11-02T08:00:00.000Z'],
    ])('at %s waits until %s, across a daylight-saving change', async (at, reset) => {
      fake.refusals.set('search', { status: 403, fixture: 'error-dailyLimitExceeded.json' });
      const now = new Date(at);

      const error = await failure(youtube({ videos: [TRAILER], query: 'bosch legacy' }).poll(initialSourceState('yt'), now));

      expect(error.message).toMatch(/dailyLimitExceeded/);
      expect(afterFailure(initialSourceState('yt'), error, now).retryAfter).toBe(reset);
      expect(error.details.retryAfterMs).toBe(Date.parse(reset) - now.getTime());
    });
  });

  describe('credentials and refusals', () => {
    it.each<Record<string, string>>([{}, { YOUTUBE_API_KEY: '  ' }])('needs YOUTUBE_API_KEY (given %j) and asks nothing without it', async (credentials) => {
      const error = await failure(youtube({ videos: [TRAILER] }, credentials).poll(initialSourceState('yt'), NOW));

      expect(error.kind).toBe('needs-credentials');
      expect(error.message).toMatch(/^set YOUTUBE_API_KEY \(a YouTube Data API v3 key: Google Cloud console/);
      expect(afterFailure(initialSourceState('yt'), error, NOW).health).toBe('needs-credentials');
      expect(fake.asked).toEqual([]);
    });

    it('says to check the key when YouTube refuses it (400)', async () => {
      const error = await failure(youtube({ videos: [TRAILER] }, { YOUTUBE_API_KEY: 'AIza-wrong' }).poll(initialSourceState('yt'), NOW));

      expect(error.details.status).toBe(400);
      expect(error.message).toMatch(/refused the API key \("API key not valid\. Please pass a valid API key\."\); check YOUTUBE_API_KEY/);
    });

    it.each([
      ['error-forbidden.json', /check the key's restrictions/],
      ['error-accessNotConfigured.json', /the YouTube Data API v3 is not enabled for the key's project/],
    ])('explains a 403 (%s)', async (fixture, hint) => {
      fake.refusals.set('commentThreads', { status: 403, fixture });

      const error = await failure(youtube({ videos: [TRAILER] }).poll(initialSourceState('yt'), NOW));

      expect(error.details.status).toBe(403);
      expect(error.details.retryAfterMs).toBeUndefined();
      expect(error.message).toMatch(hint);
    });

    it('skips a video with comments turned off and says so, reading the others', async () => {
      fake.refusals.set(`commentThreads:${CLIPS}`, { status: 403, fixture: 'error-commentsDisabled.json' });

      const { poll, posts } = await pass(youtube({ videos: [CLIPS, TRAILER] }), initialSourceState('yt'), NOW);

      expect(posts).toEqual(TRAILER_POSTS);
      expect(poll.detail).toBe(`read comments on 2 videos; skipped video ${CLIPS}: comments are off; used 4 quota units this pass`);
    });

    it('skips a video YouTube does not know among others, and fails with a hint when it is the only one', async () => {
      const among = await pass(youtube({ videos: ['zzzzzzzzzzz', TRAILER] }), initialSourceState('yt'), NOW);
      const alone = await failure(youtube({ videos: ['zzzzzzzzzzz'] }).poll(initialSourceState('yt'), NOW));

      expect(among.posts).toEqual(TRAILER_POSTS);
      expect(among.poll.detail).toBe('read comments on 2 videos; skipped video zzzzzzzzzzz: not found (deleted, private or a wrong id); used 4 quota units this pass');
      expect(alone.details.status).toBe(404);
      expect(alone.message).toMatch(/YouTube does not know video zzzzzzzzzzz .*check the id in "videos"/);
    });

    it('fails with a hint for a channel YouTube does not know', async () => {
      const error = await failure(youtube({ channel: 'UC0000000000000000000000' }).poll(initialSourceState('yt'), NOW));

      expect(error.details.status).toBe(404);
      expect(error.message).toMatch(/YouTube does not know channel UC0000000000000000000000 .*check "channel"/);
    });
  });

  describe('odd answers', () => {
    it('reads an empty list as nothing new', async () => {
      fake.threads.set(TRAILER, []);

      const { poll, posts } = await pass(youtube({ videos: [TRAILER] }), initialSourceState('yt'), NOW);

      expect(posts).toEqual([]);
      expect(poll.rejected).toBeUndefined();
      expect(poll.detail).toBe('read comments on 1 video; used 1 quota unit this pass');
    });

    it('fails clearly on cut-off JSON and on JSON without items', async () => {
      const broken = await failure(youtube({ videos: [TRAILER], baseUrl: `${fake.url}/broken` }).poll(initialSourceState('yt'), NOW));
      const odd = await failure(youtube({ videos: [TRAILER], baseUrl: `${fake.url}/odd` }).poll(initialSourceState('yt'), NOW));

      expect(broken.kind).toBe('not-a-feed');
      expect(broken.message).toMatch(/^not JSON from /);
      expect(odd.kind).toBe('not-a-feed');
      expect(odd.message).toMatch(/no "items" list \(expected a youtube#commentThreadListResponse\)/);
    });

    it('starts over on a cursor it cannot read', async () => {
      const { posts } = await pass(youtube({ videos: [TRAILER] }), { ...initialSourceState('yt'), cursor: '{"v":0}' }, NOW);

      expect(posts).toEqual(TRAILER_POSTS);
    });
  });
});
