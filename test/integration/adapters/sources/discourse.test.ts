// The `discourse` source against a local forum serving the fixtures in Discourse's own JSON shapes
// (test/fixtures/discourse/README.md): the real fetcher, real HTTP, pages cut small so paging shows.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../../lambdas/adapters/http-fetcher.ts';
import { createDiscourseSource, type DiscourseLimits } from '../../../../lambdas/adapters/sources/discourse.ts';
import { createSource } from '../../../../lambdas/adapters/sources/create-source.ts';
import { sourceSchema } from '../../../../lambdas/config/schema.ts';
import type { Source } from '../../../../lambdas/core/ports.ts';
import { initialSourceState } from '../../../../lambdas/core/source-health.ts';
import type { Post } from '../../../../lambdas/core/types.ts';
import { startTestServer, type TestServer } from '../../../helpers/http-server.ts';
import { failure, pass } from '../../../helpers/source-poll.ts';

type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../../fixtures/discourse/${name}`, import.meta.url), 'utf8')) as Json;
const list = (value: unknown, key: string) => (value as Record<string, Json[]>)[key]!;

const NOW = new Date('2026-11-20T12:00:00Z');
const LATER = new Date('2026-11-20T13:00:00Z');

/** Discourse sends 50 posts, 30 topics and 20 topic posts an answer; the fake forum sends fewer so paging shows. */
const POSTS_PER_ANSWER = 3;
const TOPICS_PER_ANSWER = 3;
const TOPIC_POSTS_PER_ANSWER = 2;

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

let server: TestServer;
let forum: string;
let canonical: string;
/** Every request the fake forum answered, as path?query. */
let asked: string[];
/** What the forum holds now: /posts.json newest first, the category's topic list, each topic's posts. */
let latestPosts: Json[];
let topicList: Json;
const topicPosts = new Map<number, Json[]>();

const json = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
const query = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://x').searchParams;

function forumState(): void {
  latestPosts = list(fixture('posts.json'), 'latest_posts');
  topicList = fixture('category-latest.json');
  topicPosts.clear();
  for (const id of [201, 202, 203]) topicPosts.set(id, list(fixture(`t-${id}-posts.json`)['post_stream'], 'posts'));
}

function laterForumState(): void {
  latestPosts = [...list(fixture('posts-new.json'), 'latest_posts'), ...latestPosts];
  topicList = fixture('category-latest-later.json');
  topicPosts.set(201, [...topicPosts.get(201)!, ...list(fixture('t-201-posts-new.json')['post_stream'], 'posts')]);
  topicPosts.set(205, list(fixture('t-205-posts.json')['post_stream'], 'posts'));
}

beforeAll(async () => {
  server = await startTestServer();
  forum = server.url;
  canonical = forum.replace('http://', 'https://');
  const record = (req: IncomingMessage) => asked.push(req.url ?? '');
  // PostsController#latest: public posts by id descending; `before` keeps ids below it.
  server.route('/posts.json', (req, res) => {
    record(req);
    const before = Number(query(req).get('before') ?? Number.POSITIVE_INFINITY);
    json(res, { latest_posts: latestPosts.filter((post) => (post['id'] as number) < before).slice(0, POSTS_PER_ANSWER) });
  });
  // ListController#category_latest: bumped order (pinned first, as the fixture lists them), ?page=N from 0.
  server.route('/c/tv-shows/12/l/latest.json', (req, res) => {
    record(req);
    const page = Number(query(req).get('page') ?? 0);
    const all = list(topicList['topic_list'], 'topics');
    const topics = all.slice(page * TOPICS_PER_ANSWER, (page + 1) * TOPICS_PER_ANSWER);
    const more = all.length > (page + 1) * TOPICS_PER_ANSWER ? { more_topics_url: `/c/tv-shows/12/l/latest?page=${page + 1}` } : {};
    json(res, { ...topicList, topic_list: { ...(topicList['topic_list'] as Json), topics, ...more } });
  });
  // TopicsController#posts: without post_number the first posts; with post_number=N&asc=true the ones after N.
  for (const id of [201, 202, 203, 205]) {
    server.route(`/t/${id}/posts.json`, (req, res) => {
      record(req);
      const params = query(req);
      const after = Number(params.get('post_number') ?? 0);
      if (params.has('post_number') && params.get('asc') !== 'true') throw new Error('the fake forum only pages forward');
      const posts = (topicPosts.get(id) ?? []).filter((post) => (post['post_number'] as number) > after).slice(0, TOPIC_POSTS_PER_ANSWER);
      json(res, { post_stream: { posts }, id });
    });
  }
  server.route('/locked/posts.json', (_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":["You are not permitted to view the requested resource."],"error_type":"not_logged_in"}'));
  server.route('/staff/c/tv-shows/12/l/latest.json', (_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":["You are not permitted to view the requested resource."],"error_type":"invalid_access"}'));
  server.route('/busy/posts.json', (_req, res) =>
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '120' }).end('{"errors":["You’ve performed this action too many times. Please wait 2 minutes before trying again."],"error_type":"rate_limit"}'),
  );
  server.route('/broken/posts.json', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"latest_posts":[{"id":1214,"cooked":"<p>Sign'));
  server.route('/other/posts.json', (_req, res) => json(res, { users: [], topic_list: { topics: [] } }));
  server.route('/empty/posts.json', (_req, res) => json(res, { latest_posts: [] }));
  // A forum whose newest answer holds items that are not posts as PostSerializer writes them; nothing older.
  server.route('/odd/posts.json', (req, res) => {
    record(req);
    const [p1214, p1213, , p1211, p1210] = list(fixture('posts.json'), 'latest_posts');
    const { id: _dropped, ...withoutId } = p1213!;
    const page = [p1214, withoutId, 'not a post', { ...p1211, topic_id: '103' }, p1210];
    json(res, { latest_posts: query(req).has('before') ? [] : page });
  });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  asked = [];
  forumState();
});

const fetcher = () =>
  createHttpFetcher({ timeoutMs: 10_000, maxBytes: 1_000_000, perHostConcurrency: 4, userAgent: 'fanpulse-test/0.1 (integration tests; +https://example.test)' });

function forumSource(limits: Partial<DiscourseLimits> = {}, url = forum): Source {
  return createDiscourseSource({ id: 'forum', url }, fetcher(), limits);
}

function categorySource(limits: Partial<DiscourseLimits> = {}, url = forum): Source {
  return createDiscourseSource({ id: 'tv', url, category: 'tv-shows/12' }, fetcher(), limits);
}



/** The post a forum post becomes, written out by hand from the fixture. */
function expected(id: number, path: string, author: string, title: string, text: string, published: string, sourceId = 'forum'): Post {
  return {
    sourceId,
    id: String(id),
    dedupKey: sha(`${canonical}${path}`),
    link: `${forum}${path}`,
    author,
    title,
    text,
    published,
  };
}

const ids = (posts: Post[]) => posts.map((post) => post.id);

describe('discourse source, whole forum (/posts.json)', () => {
  it('reads the latest posts back to the 30-day horizon on a first pass, leaving out withdrawn posts', async () => {
    const { poll, posts, state } = await pass(forumSource(), initialSourceState('forum'), NOW);
    expect(poll.rejected).toBeUndefined();

    expect(posts).toEqual([
      expected(1214, '/t/bosch-legacy-cancelled/101/5', 'harry_fan', 'Re: Bosch: Legacy cancelled?', 'Sign the petition to save Bosch: Legacy! We are at 10k.', '2026-11-20T11:40:00.000Z'),
      expected(1213, '/t/season-3-finale-thoughts/102/1', 'maddie_b', 'Season 3 finale thoughts', 'That finale! Titus Welliver deserves an Emmy.', '2026-11-20T09:15:00.000Z'),
      expected(1211, '/t/off-topic-coffee/103/2', 'jerry_e', 'Re: Off-topic: coffee & donuts', 'Decaf & donuts at 10.', '2026-11-19T20:00:00.000Z'),
      expected(1210, '/t/bosch-legacy-cancelled/101/3', 'honey_c', 'Re: Bosch: Legacy cancelled?', 'Amazon says no season 4. Heartbroken.', '2026-11-19T18:30:00.000Z'),
      expected(1209, '/t/bosch-legacy-cancelled/101/2', 'maddie_b', 'Re: Bosch: Legacy cancelled?', 'harry_fan: cancelled? Sadly yes, it was announced today.', '2026-11-19T18:00:00.000Z'),
      expected(1208, '/t/bosch-legacy-cancelled/101/1', 'harry_fan', 'Bosch: Legacy cancelled?', 'Is it true that Bosch: Legacy is cancelled?', '2026-11-19T17:45:00.000Z'),
      expected(1150, '/t/rewatch-thread/90/12', 'rewatcher', 'Re: Rewatch thread', 'Episode 3 still holds up.', '2026-10-25T10:00:00.000Z'),
    ]);
    // The third answer reaches 1149, older than 30 days: no fourth request.
    expect(asked).toEqual(['/posts.json', '/posts.json?before=1212', '/posts.json?before=1209']);
    expect(JSON.parse(state.cursor!)).toEqual({ v: 1, for: forum, kind: 'posts', newest: 1214, walk: null });
  });

  it('reads only what is new on the next pass, stopping at the post it read last', async () => {
    const source = forumSource();
    const first = await pass(source, initialSourceState('forum'), NOW);
    laterForumState();
    asked = [];

    const second = await pass(source, first.state, LATER);

    expect(second.posts).toEqual([
      expected(1217, '/t/bosch-legacy-cancelled/101/6', 'chandler_h', 'Re: Bosch: Legacy cancelled?', 'Petition is at 20k. Keep going!', '2026-11-20T12:40:00.000Z'),
      expected(1216, '/t/petition-update/104/1', 'honey_c', 'Petition update: 20k signatures', 'We passed 20,000 signatures overnight.', '2026-11-20T12:20:00.000Z'),
      expected(1215, '/t/season-3-finale-thoughts/102/2', 'jerry_e', 'Re: Season 3 finale thoughts', 'Agreed, what a season.', '2026-11-20T12:05:00.000Z'),
    ]);
    // The second answer repeats 1214 and 1213, read last pass: not yielded again, and the walk ends there.
    expect(asked).toEqual(['/posts.json', '/posts.json?before=1215']);
    expect(JSON.parse(second.state.cursor!)).toEqual({ v: 1, for: forum, kind: 'posts', newest: 1217, walk: null });
  });

  it('yields nothing and asks once when nothing is new', async () => {
    const source = forumSource();
    const first = await pass(source, initialSourceState('forum'), NOW);
    asked = [];

    const again = await pass(source, first.state, LATER);

    expect(again.posts).toEqual([]);
    expect(asked).toEqual(['/posts.json']);
  });

  it('stops a first pass at its page budget and reads the rest next pass, then what is new', async () => {
    const source = forumSource({ postPages: 2 });
    const first = await pass(source, initialSourceState('forum'), NOW);
    expect(ids(first.posts)).toEqual(['1214', '1213', '1211', '1210', '1209']);
    expect(JSON.parse(first.state.cursor!)).toEqual({ v: 1, for: forum, kind: 'posts', newest: null, walk: { top: 1214, before: 1209, stopAt: 0 } });

    laterForumState();
    asked = [];
    const second = await pass(source, first.state, LATER);

    // The walk goes on below 1209 to the horizon; then, with a page left, the new posts from the top.
    expect(ids(second.posts)).toEqual(['1208', '1150', '1217', '1216', '1215']);
    expect(asked).toEqual(['/posts.json?before=1209', '/posts.json']);
    expect(JSON.parse(second.state.cursor!)).toEqual({ v: 1, for: forum, kind: 'posts', newest: 1214, walk: { top: 1217, before: 1215, stopAt: 1214 } });

    asked = [];
    const third = await pass(source, second.state, LATER);
    expect(third.posts).toEqual([]);
    expect(asked).toEqual(['/posts.json?before=1215', '/posts.json']);
    expect(JSON.parse(third.state.cursor!)).toEqual({ v: 1, for: forum, kind: 'posts', newest: 1217, walk: null });
  });

  it('counts the items that are not posts in its health, with the first reason, and reads the rest', async () => {
    const { poll, posts, state } = await pass(forumSource({}, `${forum}/odd`), initialSourceState('forum'), NOW);

    expect(ids(posts)).toEqual(['1214', '1210']);
    expect(asked).toEqual(['/odd/posts.json', '/odd/posts.json?before=1210']);
    const first = `post #2 in ${forum}/odd/posts.json: id: Invalid input: expected number, received undefined`;
    expect(poll.rejected).toEqual({ count: 3, first });
    expect(state).toMatchObject({ rejected: 3, lastRejection: first });
  });

  it('treats a cursor it cannot read as a first run', async () => {
    const cursors = [
      '{"v":1,"kind":"posts","newest":"soon"',
      '{"v":9}',
      JSON.stringify({ v: 1, for: `${forum}/c/tv-shows/12`, kind: 'category', readThrough: null, topics: {} }),
      // Another forum's posts: its ids say nothing about this one.
      JSON.stringify({ v: 1, for: 'https://other.example', kind: 'posts', newest: 1214, walk: null }),
      // The release before cursors named what they are for: a first run, whose posts the store already
      // holds and does not count again (it keeps the ids each bucket counted).
      JSON.stringify({ v: 1, kind: 'posts', newest: 1214, walk: null }),
    ];
    for (const cursor of cursors) {
      asked = [];
      const { posts } = await pass(forumSource(), { ...initialSourceState('forum'), cursor }, NOW);
      expect(posts).toHaveLength(7);
      expect(asked[0]).toBe('/posts.json');
    }
  });

  it('yields nothing from a forum without public posts', async () => {
    const { posts, state } = await pass(forumSource({}, `${forum}/empty`), initialSourceState('forum'), NOW);
    expect(posts).toEqual([]);
    expect(JSON.parse(state.cursor!)).toEqual({ v: 1, for: `${forum}/empty`, kind: 'posts', newest: null, walk: null });
  });

  it('says to check the forum is public when it answers 401', async () => {
    const error = await failure(forumSource({}, `${forum}/locked`).poll(initialSourceState('forum'), NOW));
    expect(error.kind).toBe('http-status');
    expect(error.details.status).toBe(401);
    expect(error.message).toContain('the forum refused anonymous access: check that it is public (its "login required" setting off)');
  });

  it('fails with the Retry-After of a 429, so the pipeline defers the source', async () => {
    const error = await failure(forumSource({}, `${forum}/busy`).poll(initialSourceState('forum'), NOW));
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 120_000 });
  });

  it('fails as not-a-feed on malformed JSON and on JSON that is not a post list', async () => {
    const malformed = await failure(forumSource({}, `${forum}/broken`).poll(initialSourceState('forum'), NOW));
    expect(malformed.kind).toBe('not-a-feed');
    const other = await failure(forumSource({}, `${forum}/other`).poll(initialSourceState('forum'), NOW));
    expect(other.kind).toBe('not-a-feed');
    expect(other.message).toBe(`unexpected answer from ${forum}/other/posts.json: no "latest_posts" list`);
  });

  it('is what createSource builds for a discourse config', async () => {
    const config = sourceSchema.parse({ id: 'forum', type: 'discourse', url: `${forum}/`, topics: ['bosch-legacy'] });
    const { posts } = await pass(createSource(config, fetcher()), initialSourceState('forum'), NOW);
    expect(ids(posts)).toEqual(['1214', '1213', '1211', '1210', '1209', '1208', '1150']);
  });
});

describe('discourse source, one category (topic list, then changed topics)', () => {
  const tv = (id: number, path: string, author: string, title: string, text: string, published: string) =>
    expected(id, path, author, title, text, published, 'tv');

  it('reads the topics active in the last 30 days on a first pass, leaving out hidden posts and small actions', async () => {
    const { poll, posts, state } = await pass(categorySource(), initialSourceState('tv'), NOW);
    expect(poll.rejected).toBeUndefined();

    expect(posts).toEqual([
      tv(2001, '/t/bosch-legacy-renewal-watch/201/1', 'harry_fan', 'Bosch: Legacy renewal watch', 'Any news on a renewal? Posting updates here.', '2026-11-10T10:00:00.000Z'),
      tv(2300, '/t/bosch-legacy-renewal-watch/201/4', 'maddie_b', 'Re: Bosch: Legacy renewal watch', 'Deadline says the spin-off is happening.', '2026-11-19T19:00:00.000Z'),
      tv(2390, '/t/bosch-legacy-renewal-watch/201/5', 'honey_c', 'Re: Bosch: Legacy renewal watch', 'So Legacy is over, but Ballard gets a show?', '2026-11-20T11:00:00.000Z'),
      tv(2201, '/t/petition-to-save-the-show/202/1', 'honey_c', 'Petition to save the show', 'Petition: change.org/p/save-bosch-legacy', '2026-11-18T09:00:00.000Z'),
      tv(2250, '/t/petition-to-save-the-show/202/2', 'jerry_e', 'Re: Petition to save the show', 'Signed and shared.', '2026-11-18T15:00:00.000Z'),
      tv(2330, '/t/petition-to-save-the-show/202/3', 'harry_fan', 'Re: Petition to save the show', '5k already!', '2026-11-19T21:00:00.000Z'),
      tv(2280, '/t/long-running-bosch-thread/203/249', 'maddie_b', 'Re: Long-running Bosch thread', 'Rewatching the pilot after the news.', '2026-11-18T20:00:00.000Z'),
      tv(2310, '/t/long-running-bosch-thread/203/250', 'jerry_e', 'Re: Long-running Bosch thread', 'The pilot still holds up.', '2026-11-19T08:00:00.000Z'),
    ]);
    expect(asked).toEqual([
      '/c/tv-shows/12/l/latest.json',
      // The second list page reaches "Old chatter", last bumped before the horizon: the list ends there.
      '/c/tv-shows/12/l/latest.json?page=1',
      '/t/201/posts.json',
      '/t/201/posts.json?post_number=2&asc=true',
      '/t/201/posts.json?post_number=4&asc=true',
      '/t/202/posts.json',
      '/t/202/posts.json?post_number=2&asc=true',
      // Opened in 2025 with 250 posts: read from 100 posts before its end, post 151 is past the horizon.
      '/t/203/posts.json?post_number=150&asc=true',
      '/t/203/posts.json?post_number=249&asc=true',
    ]);
    expect(JSON.parse(state.cursor!)).toEqual({
      v: 1,
      for: `${forum}/c/tv-shows/12`,
      kind: 'category',
      readThrough: Date.parse('2026-11-20T10:55:00Z'),
      topics: {
        '201': [5, Date.parse('2026-11-20T11:00:00Z')],
        '202': [3, Date.parse('2026-11-19T21:00:00Z')],
        '203': [250, Date.parse('2026-11-19T08:00:00Z')],
      },
    });
  });

  it('reads only the new posts of changed and new topics on the next pass', async () => {
    const source = categorySource();
    const first = await pass(source, initialSourceState('tv'), NOW);
    laterForumState();
    asked = [];

    const second = await pass(source, first.state, LATER);

    expect(second.posts).toEqual([
      tv(2420, '/t/bosch-legacy-renewal-watch/201/6', 'chandler_h', 'Re: Bosch: Legacy renewal watch', 'Ballard spin-off confirmed for 2027.', '2026-11-20T12:30:00.000Z'),
      tv(2410, '/t/spin-off-casting-news/205/1', 'maddie_b', 'Spin-off casting news', 'Casting call for the Ballard spin-off is out.', '2026-11-20T12:10:00.000Z'),
    ]);
    // Page 1 of the list shows topic 202, bumped before what the last pass read through: no third page,
    // and 202 and 203 are unchanged, so they are not opened.
    expect(asked).toEqual([
      '/c/tv-shows/12/l/latest.json',
      '/c/tv-shows/12/l/latest.json?page=1',
      '/t/201/posts.json?post_number=5&asc=true',
      '/t/205/posts.json',
    ]);
  });

  it('stops at its topic-request budget and finishes the topics it left next pass, reading each post once', async () => {
    const source = categorySource({ topicRequests: 4 });
    const first = await pass(source, initialSourceState('tv'), NOW);
    expect(ids(first.posts)).toEqual(['2001', '2300', '2390', '2201', '2250']);
    const cursor = JSON.parse(first.state.cursor!) as { readThrough: number; topics: Record<string, [number, number]> };
    // 202 was read to post 2; 203 not at all (it starts from post 150 when it is read).
    expect(cursor.readThrough).toBe(Date.parse('2026-11-19T08:00:00Z'));
    expect(cursor.topics['202']).toEqual([2, Date.parse('2026-11-19T21:00:00Z')]);
    expect(cursor.topics['203']).toEqual([150, Date.parse('2026-11-19T08:00:00Z')]);

    asked = [];
    const second = await pass(source, first.state, new Date(NOW.getTime() + 15 * 60_000));
    expect(ids(second.posts)).toEqual(['2330', '2280', '2310']);
    expect(asked).toEqual([
      '/c/tv-shows/12/l/latest.json',
      '/c/tv-shows/12/l/latest.json?page=1',
      '/t/202/posts.json?post_number=2&asc=true',
      '/t/203/posts.json?post_number=150&asc=true',
      '/t/203/posts.json?post_number=249&asc=true',
    ]);
  });

  it('counts a topic and a topic post it cannot read, and reads the rest of the list and the topic', async () => {
    // The pinned "About" topic listed without its id, and topic 202's opening post without its id.
    const [about, ...topics] = list(topicList['topic_list'], 'topics');
    const { id: _topicId, ...aboutWithoutId } = about!;
    topicList = { ...topicList, topic_list: { ...(topicList['topic_list'] as Json), topics: [aboutWithoutId, ...topics] } };
    const [opening, ...replies] = topicPosts.get(202)!;
    const { id: _postId, ...openingWithoutId } = opening!;
    topicPosts.set(202, [openingWithoutId, ...replies]);

    const { poll, posts } = await pass(categorySource(), initialSourceState('tv'), NOW);

    // The first pass's posts (see above) but 2201, the post without an id; the requests are the same.
    expect(ids(posts)).toEqual(['2001', '2300', '2390', '2250', '2330', '2280', '2310']);
    expect(asked).toHaveLength(9);
    expect(poll.rejected).toEqual({ count: 2, first: `topic #1 in ${forum}/c/tv-shows/12/l/latest.json: id: Invalid input: expected number, received undefined` });
  });

  it('says to check the category when the forum answers 403 for it', async () => {
    const error = await failure(categorySource({}, `${forum}/staff`).poll(initialSourceState('tv'), NOW));
    expect(error.details.status).toBe(403);
    expect(error.message).toContain('check that it is public (its "login required" setting off) and that the category is not limited to a group');
  });

  it('says to check "slug/id" when the category is not found', async () => {
    const source = createDiscourseSource({ id: 'tv', url: forum, category: 'films/99' }, fetcher());
    const error = await failure(source.poll(initialSourceState('tv'), NOW));
    expect(error.details.status).toBe(404);
    expect(error.message).toContain(`and that "category" is "slug/id" as in the category's address ${forum}/c/slug/id`);
  });
});
