// The `lemmy` source against a local instance serving the fixtures in Lemmy's API v3 shapes
// (test/fixtures/lemmy/README.md): the real fetcher, real HTTP, pages cut small so paging shows.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../../lambdas/adapters/http-fetcher.ts';
import { createSource } from '../../../../lambdas/adapters/sources/create-source.ts';
import { createLemmySource, type LemmyLimits } from '../../../../lambdas/adapters/sources/lemmy/index.ts';
import { markdownToPlainText } from '../../../../lambdas/adapters/sources/api/markdown.ts';
import { sourceSchema } from '../../../../lambdas/config/schema.ts';
import type { Source } from '../../../../lambdas/core/ports.ts';
import { initialSourceState } from '../../../../lambdas/core/source-health.ts';
import type { Post } from '../../../../lambdas/core/types.ts';
import { startTestServer, type TestServer } from '../../../helpers/http-server.ts';
import { failure, pass } from '../../../helpers/source-poll.ts';

type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../../fixtures/lemmy/${name}`, import.meta.url), 'utf8')) as Json;
const list = (value: Json, key: string) => value[key] as Json[];
const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

const NOW = new Date('2026-11-20T12:00:00Z');
const LATER = new Date('2026-11-20T13:00:00Z');
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);
const COMMUNITY = 'television@lemmy.world';
/** Lemmy sends up to 50 an answer; the tests ask for 3 so paging shows. */
const SMALL_PAGES: Partial<LemmyLimits> = { pageSize: 3 };

let server: TestServer;
let asked: string[];
let posts: Json[];
let comments: Json[];
/** Whether post/list answers with `next_page` (Lemmy 0.19+) or not (0.18, and comment/list). */
let postCursors: boolean;
let postsV4: Json[];
let commentsV4: Json[];
/** Whether the instance under /upgrading runs Lemmy 1.0 yet. */
let upgraded: boolean;

const json = (res: ServerResponse, body: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const time = (value: unknown) => Date.parse(/Z$/.test(String(value)) ? String(value) : `${String(value)}Z`);
const item = (view: Json, key: 'post' | 'comment') => view[key] as Json;

/** Lemmy's sort=New: a community's featured posts first, then newest first (v3 `published`, v4 `published_at`). */
function newOrder(views: Json[], key: 'post' | 'comment', timeKey = 'published'): Json[] {
  const at = (view: Json) => (item(view, key)[timeKey] === undefined ? Infinity : time(item(view, key)[timeKey]));
  return [...views].sort(
    (a, b) => Number(item(b, key)['featured_community'] === true) - Number(item(a, key)['featured_community'] === true) || at(b) - at(a),
  );
}

function serveList(key: 'post' | 'comment', views: () => Json[], cursors: () => boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    asked.push(req.url ?? '');
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    if (params.get('community_name') !== COMMUNITY) return json(res, { error: 'couldnt_find_community' }, 404);
    if (params.get('sort') !== 'New') throw new Error('the fake instance only sorts by New');
    const limit = Number(params.get('limit'));
    const ordered = newOrder(views(), key);
    const cursor = params.get('page_cursor');
    const start = cursor === null ? (Number(params.get('page') ?? 1) - 1) * limit : ordered.findIndex((view) => `Pa${String(item(view, key)['id'])}` === cursor) + 1;
    const page = ordered.slice(start, start + limit);
    const last = page.at(-1);
    const next = cursors() && last && start + limit < ordered.length ? { next_page: `Pa${String(item(last, key)['id'])}` } : {};
    json(res, { [`${key}s`]: page, ...next });
  };
}

/**
 * Lemmy 1.0's API v4 lists: `{ items, next_page?, prev_page? }`, sort values in lower case, no `page`:
 * paged only by handing `next_page` back as `page_cursor` (opaque; here base64 of the last id).
 */
function serveV4List(key: 'post' | 'comment', views: () => Json[]) {
  const cursorOf = (view: Json) => Buffer.from(`${key}:${String(item(view, key)['id'])}`).toString('base64url');
  return (req: IncomingMessage, res: ServerResponse) => {
    asked.push(req.url ?? '');
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    if (params.has('page')) return json(res, { error: 'unknown_query_parameter_page' }, 400);
    if (params.get('community_name') !== COMMUNITY) return json(res, { error: 'not_found' }, 404);
    if (params.get('sort') !== 'new') throw new Error('the fake instance only sorts by new');
    const limit = Number(params.get('limit'));
    const ordered = newOrder(views(), key, 'published_at');
    const cursor = params.get('page_cursor');
    const start = cursor === null ? 0 : ordered.findIndex((view) => cursorOf(view) === cursor) + 1;
    const page = ordered.slice(start, start + limit);
    const last = page.at(-1);
    const next = last && start + limit < ordered.length ? { next_page: cursorOf(last) } : {};
    const prev = start > 0 && page[0] ? { prev_page: `b${cursorOf(page[0])}` } : {};
    json(res, { items: page, ...next, ...prev });
  };
}

beforeAll(async () => {
  server = await startTestServer();
  server.route('/api/v3/post/list', serveList('post', () => posts, () => postCursors));
  server.route('/api/v3/comment/list', serveList('comment', () => comments, () => false));
  const failing = (prefix: string, status: number, body: string, headers: Record<string, string> = {}) => {
    for (const path of ['post/list', 'comment/list']) {
      server.route(`/${prefix}/api/v3/${path}`, (_req, res) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body));
    }
  };
  failing('private', 400, '{"error":"instance_is_private"}');
  failing('proxied', 403, '<html><body>Forbidden</body></html>');
  failing('busy', 429, '{"error":"rate_limit_error"}', { 'retry-after': '120' });
  failing('broken', 200, '{"posts":[{"post":{"id":1005,"name":"Bosch');
  server.route('/empty/api/v3/post/list', (_req, res) => json(res, { posts: [] }));
  // A Lemmy 1.0 instance under /one: API v4 only (no /api/v3 routes there).
  server.route('/one/api/v4/site', (req, res) => (asked.push(req.url ?? ''), json(res, fixture('v4/site.json'))));
  server.route('/one/api/v4/post/list', serveV4List('post', () => postsV4));
  server.route('/one/api/v4/comment/list', serveV4List('comment', () => commentsV4));
  // An instance under /upgrading that serves v3 until it is upgraded to 1.0 (then /api/v4/site answers).
  server.route('/upgrading/api/v3/post/list', serveList('post', () => posts, () => false));
  server.route('/upgrading/api/v3/comment/list', serveList('comment', () => comments, () => false));
  server.route('/upgrading/api/v4/site', (req, res) => (asked.push(req.url ?? ''), upgraded ? json(res, fixture('v4/site.json')) : json(res, { error: 'not_found' }, 404)));
  server.route('/upgrading/api/v4/post/list', serveV4List('post', () => postsV4));
  server.route('/upgrading/api/v4/comment/list', serveV4List('comment', () => commentsV4));
  server.route('/empty/api/v3/comment/list', (_req, res) => json(res, { comments: [] }));
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  asked = [];
  posts = list(fixture('post-list.json'), 'posts');
  comments = list(fixture('comment-list.json'), 'comments');
  postCursors = false;
  postsV4 = list(fixture('v4/post-list.json'), 'items');
  commentsV4 = list(fixture('v4/comment-list.json'), 'items');
  upgraded = false;
});

function newItemsArrive(): void {
  posts = [...posts, ...list(fixture('post-list-new.json'), 'posts')];
  comments = [...comments, ...list(fixture('comment-list-new.json'), 'comments')];
  postsV4 = [...postsV4, ...list(fixture('v4/post-list-new.json'), 'items')];
  commentsV4 = [...commentsV4, ...list(fixture('v4/comment-list-new.json'), 'items')];
}

const fetcher = () =>
  createHttpFetcher({ timeoutMs: 10_000, maxBytes: 1_000_000, perHostConcurrency: 4, userAgent: 'fanpulse-test/0.1 (integration tests; +https://example.test)' });

function lemmySource(limits: Partial<LemmyLimits> = SMALL_PAGES, instance = server.url): Source {
  return createLemmySource({ id: 'lemmy', instance, community: COMMUNITY }, fetcher(), limits);
}



const postsUrl = (query: string) => `/api/v3/post/list?community_name=television%40lemmy.world&sort=New&limit=3&${query}`;
const commentsUrl = (query: string) => `/api/v3/comment/list?community_name=television%40lemmy.world&sort=New&limit=3&${query}`;
const ids = (items: Post[]) => items.map((post) => post.id);

function expected(link: string, author: string, title: string, text: string, published: string, dedupOf = link): Post {
  return { sourceId: 'lemmy', id: link, dedupKey: sha(dedupOf), link, author, title, text, published };
}

const ARTICLE = 'https://deadline.example/2026/11/bosch-legacy-cancelled';

/** What a first pass yields from the fixtures, by either API version: the same items. */
const FIRST_PASS: Post[] = [
  // A link post stands for its article (tracking parameter and trailing slash dropped)…
  expected('https://lemmy.world/post/21005', 'tvfan', 'Bosch: Legacy officially cancelled', '', '2026-11-20T10:00:00.000Z', ARTICLE),
  // …a time without a zone is UTC…
  expected(
    'https://lemmy.world/post/21003',
    'honey_c',
    'Petition to save Bosch: Legacy hits 20k',
    'Sign it here: change.org We want season 4! Share it Tell Amazon',
    '2026-11-19T21:00:00.123Z',
  ),
  // …and a crosspost of the same article has the same dedup key, so the store counts it once.
  expected('https://lemmy.ca/post/7002', 'xposter', 'Crosspost: Bosch: Legacy officially cancelled', '', '2026-11-19T15:00:00.000Z', ARTICLE),
  expected('https://lemmy.world/post/21001', 'rewatcher', 'Rewatch: season 1, episode 1', "Who's in? Starting with the pilot_episode. Spoilers in comments.", '2026-10-25T08:00:00.000Z'),
  expected('https://lemmy.world/comment/95003', 'maddie_b', 'Comment on: Bosch: Legacy officially cancelled', 'Devastated. Best cop show on TV.', '2026-11-20T11:00:00.000Z'),
  expected('https://lemmy.world/comment/95001', 'jerry_e', 'Comment on: Petition to save Bosch: Legacy hits 20k', 'Signed! Link: https://www.change.org/p/save-bosch-legacy', '2026-11-19T22:00:00.000Z'),
];

/** What the next pass yields once the new fixtures arrived: only the new items. */
const SECOND_PASS: Post[] = [
  expected('https://lemmy.world/post/21007', 'legacy_writer', 'Showrunner responds to the cancellation', "We fought for a fourth season. It's over Thank you all.", '2026-11-20T12:30:00.000Z'),
  expected('https://lemmy.world/post/21006', 'tvfan', 'Where to watch all three seasons', '', '2026-11-20T12:10:00.000Z', 'https://www.amazon.example/bosch-legacy'),
  expected('https://lemmy.ca/post/5008', 'castfan', 'Bosch: Legacy cast reunion photo', '', '2026-11-20T09:30:00.000Z', 'https://lemmy.ca/pictrs/image/reunion.jpeg'),
  expected('https://lemmy.world/comment/95004', 'honey_c', 'Comment on: Showrunner responds to the cancellation', 'Thank you for three great seasons!', '2026-11-20T12:45:00.000Z'),
];

describe('lemmy source', () => {
  it('reads a community’s posts and comments back to the 30-day horizon on a first pass, leaving out removed and deleted ones', async () => {
    const { posts: yielded, state } = await pass(lemmySource(), initialSourceState('lemmy'), NOW);

    expect(yielded).toEqual(FIRST_PASS);
    expect(asked).toEqual([postsUrl('page=1'), postsUrl('page=2'), postsUrl('page=3'), commentsUrl('page=1'), commentsUrl('page=2')]);
    const cursor = JSON.parse(state.cursor!) as Json;
    // The instance has no /api/v4/site (404): API v3, remembered with when it was checked.
    expect(cursor).toEqual({
      v: 2,
      for: `${server.url}/c/${COMMUNITY}`,
      api: { version: 'v3', checkedAt: NOW.toISOString() },
      posts: { maxId: 1005, newestMs: Date.parse('2026-11-20T10:00:00Z'), walk: null },
      comments: { maxId: 5003, newestMs: Date.parse('2026-11-20T11:00:00Z'), walk: null },
    });
  });

  it('reads only what is new on the next pass, including a post federated late with an older time', async () => {
    const source = lemmySource();
    const first = await pass(source, initialSourceState('lemmy'), NOW);
    newItemsArrive();
    asked = [];

    const second = await pass(source, first.state, LATER);

    expect(second.posts).toEqual(SECOND_PASS);
    // Posts: page 2 repeats 1005 (read) and shows 1008 (new id, 09:30) and 1004 (08:00, over an hour
    // below the newest post read last pass): the walk ends there. Comments: page 2 is the list's end.
    expect(asked).toEqual([postsUrl('page=1'), postsUrl('page=2'), commentsUrl('page=1'), commentsUrl('page=2')]);
  });

  it('resumes a catch-up cut short by its page budget one page early, skipping what it read, as new posts push the list down', async () => {
    const source = lemmySource({ pageSize: 3, pagesPerList: 2 });
    const first = await pass(source, initialSourceState('lemmy'), NOW);
    expect(ids(first.posts)).toEqual([
      'https://lemmy.world/post/21005',
      'https://lemmy.world/post/21003',
      'https://lemmy.ca/post/7002',
      'https://lemmy.world/post/21001',
      'https://lemmy.world/comment/95003',
      'https://lemmy.world/comment/95001',
    ]);

    newItemsArrive();
    asked = [];
    const second = await pass(source, first.state, LATER);
    // Page 2 now holds what page 1 held; page 3 what page 2 held: all read already.
    expect(ids(second.posts)).toEqual(['https://lemmy.world/comment/95004']);
    expect(asked).toEqual([postsUrl('page=2'), postsUrl('page=3'), commentsUrl('page=1'), commentsUrl('page=2')]);

    asked = [];
    const third = await pass(source, second.state, minutesAfter(LATER, 15));
    // Page 4 reaches past the horizon: the catch-up is done, and the page budget with it.
    expect(third.posts).toEqual([]);
    expect(asked).toEqual([postsUrl('page=3'), postsUrl('page=4'), commentsUrl('page=1')]);

    asked = [];
    const fourth = await pass(source, third.state, minutesAfter(LATER, 30));
    expect(ids(fourth.posts)).toEqual(['https://lemmy.world/post/21007', 'https://lemmy.world/post/21006', 'https://lemmy.ca/post/5008']);
    expect(asked).toEqual([postsUrl('page=1'), postsUrl('page=2'), commentsUrl('page=1')]);
  });

  it('resumes exactly with page_cursor when the instance gives next_page', async () => {
    postCursors = true;
    const source = lemmySource({ pageSize: 3, pagesPerList: 2 });
    const first = await pass(source, initialSourceState('lemmy'), NOW);
    expect(ids(first.posts).slice(0, 4)).toEqual(['https://lemmy.world/post/21005', 'https://lemmy.world/post/21003', 'https://lemmy.ca/post/7002', 'https://lemmy.world/post/21001']);
    expect(asked.slice(0, 2)).toEqual([postsUrl('page=1'), postsUrl('page_cursor=Pa1004')]);

    newItemsArrive();
    asked = [];
    const second = await pass(source, first.state, LATER);
    // The catch-up ends on the page after 1001; a new walk starts at the top and is cut short in turn.
    expect(ids(second.posts)).toEqual(['https://lemmy.world/post/21007', 'https://lemmy.world/post/21006', 'https://lemmy.world/comment/95004']);
    expect(asked.slice(0, 2)).toEqual([postsUrl('page_cursor=Pa1001'), postsUrl('page=1')]);

    asked = [];
    const third = await pass(source, second.state, minutesAfter(LATER, 15));
    expect(ids(third.posts)).toEqual(['https://lemmy.ca/post/5008']);
    expect(asked.slice(0, 1)).toEqual([postsUrl('page_cursor=Pa1006')]);
  });

  it('treats a cursor it cannot read, or one for another community, as a first run', async () => {
    const lists = { posts: { maxId: 9999, newestMs: 1, walk: null }, comments: { maxId: 9999, newestMs: 1, walk: null } };
    const api = { version: 'v3', checkedAt: NOW.toISOString() };
    const other = JSON.stringify({ v: 2, for: `${server.url}/c/movies@lemmy.world`, api, ...lists });
    // Written before the API version was kept (v1): read from the start again; the store counts each item once.
    const older = JSON.stringify({ v: 1, community: COMMUNITY, ...lists });
    for (const cursor of ['{"v":2,', other, older]) {
      const { posts: yielded } = await pass(lemmySource(), { ...initialSourceState('lemmy'), cursor }, NOW);
      expect(yielded).toHaveLength(6);
    }
  });

  it('yields nothing from an empty community', async () => {
    const { posts: yielded, state } = await pass(lemmySource(SMALL_PAGES, `${server.url}/empty`), initialSourceState('lemmy'), NOW);
    expect(yielded).toEqual([]);
    expect(JSON.parse(state.cursor!)).toMatchObject({ posts: { maxId: 0, walk: null }, comments: { maxId: 0, walk: null } });
  });

  it('says to check the community name when the instance does not know it (404)', async () => {
    const source = createLemmySource({ id: 'lemmy', instance: server.url, community: 'televisoin' }, fetcher());
    const error = await failure(source.poll(initialSourceState('lemmy'), NOW));
    expect(error.details.status).toBe(404);
    expect(error.message).toContain(`check "community" (its name, e.g. "television", or name@instance for a community hosted elsewhere that ${server.url} knows)`);
  });

  it('says to check the community and the instance settings on a 400 (unknown community, private instance)', async () => {
    const error = await failure(lemmySource(SMALL_PAGES, `${server.url}/private`).poll(initialSourceState('lemmy'), NOW));
    expect(error.details.status).toBe(400);
    expect(error.message).toContain('check "community"');
    expect(error.message).toContain('and that the instance is not private');
  });

  it('says to check the instance settings on a 403', async () => {
    const error = await failure(lemmySource(SMALL_PAGES, `${server.url}/proxied`).poll(initialSourceState('lemmy'), NOW));
    expect(error.details.status).toBe(403);
    expect(error.message).toContain("the instance refused anonymous API access: check the instance's settings");
  });

  it('fails with the Retry-After of a 429, so the pipeline defers the source', async () => {
    const error = await failure(lemmySource(SMALL_PAGES, `${server.url}/busy`).poll(initialSourceState('lemmy'), NOW));
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 120_000 });
  });

  it('fails as not-a-feed on malformed JSON', async () => {
    const error = await failure(lemmySource(SMALL_PAGES, `${server.url}/broken`).poll(initialSourceState('lemmy'), NOW));
    expect(error.kind).toBe('not-a-feed');
  });

  it('is what createSource builds for a lemmy config, asking for 50 items an answer', async () => {
    const config = sourceSchema.parse({ id: 'lemmy', type: 'lemmy', instance: `${server.url}/`, community: COMMUNITY, topics: ['bosch-legacy'] });
    const { posts: yielded } = await pass(createSource(config, fetcher()), initialSourceState('lemmy'), NOW);
    expect(yielded).toHaveLength(6);
    expect(asked).toEqual([
      '/api/v3/post/list?community_name=television%40lemmy.world&sort=New&limit=50&page=1',
      '/api/v3/comment/list?community_name=television%40lemmy.world&sort=New&limit=50&page=1',
    ]);
  });
});

describe('markdownToPlainText', () => {
  it('keeps the words of Lemmy markdown and drops its markup and URLs', () => {
    expect(markdownToPlainText('# Big news\n\n**Bosch** is _back_: see [the trailer](https://example.test/t) ![poster](https://example.test/p.jpg)')).toBe(
      'Big news Bosch is back: see the trailer',
    );
    expect(markdownToPlainText('::: spoiler Ending\nBallard lives\n:::\n\n1. one\n2) two\n> > nested quote')).toBe('Ballard lives one two nested quote');
    // Rendered as Lemmy renders it (CommonMark): intraword underscores stay, 2*3*4 is an emphasised 3.
    expect(markdownToPlainText('snake_case_names and 2*3*4 stay; `code` loses its ticks')).toBe('snake_case_names and 234 stay; code loses its ticks');
    // An autolink is a link whose text is its address, as in HTML: a linked petition is a petition mention.
    expect(markdownToPlainText('Signed! <https://www.change.org/p/x>')).toBe('Signed! https://www.change.org/p/x');
  });
});

const v4PostsUrl = (prefix: string, cursor?: string) =>
  `${prefix}/api/v4/post/list?community_name=television%40lemmy.world&sort=new&limit=3${cursor ? `&page_cursor=${cursor}` : ''}`;
const v4CommentsUrl = (prefix: string, cursor?: string) =>
  `${prefix}/api/v4/comment/list?community_name=television%40lemmy.world&sort=new&limit=3${cursor ? `&page_cursor=${cursor}` : ''}`;
const cursorFor = (key: 'post' | 'comment', id: number) => Buffer.from(`${key}:${id}`).toString('base64url');

describe('lemmy source on Lemmy 1.0 (API v4)', () => {
  it('detects API v4 and reads the same items as v3 serves, paging with page_cursor', async () => {
    const { posts: yielded, state, poll } = await pass(lemmySource(SMALL_PAGES, `${server.url}/one`), initialSourceState('lemmy'), NOW);

    expect(yielded).toEqual(FIRST_PASS);
    expect(asked).toEqual([
      '/one/api/v4/site',
      v4PostsUrl('/one'),
      v4PostsUrl('/one', cursorFor('post', 1004)),
      v4PostsUrl('/one', cursorFor('post', 1001)),
      v4CommentsUrl('/one'),
      v4CommentsUrl('/one', cursorFor('comment', 5001)),
    ]);
    expect(JSON.parse(state.cursor!)).toEqual({
      v: 2,
      for: `${server.url}/one/c/${COMMUNITY}`,
      api: { version: 'v4', checkedAt: NOW.toISOString() },
      posts: { maxId: 1005, newestMs: Date.parse('2026-11-20T10:00:00Z'), walk: null },
      comments: { maxId: 5003, newestMs: Date.parse('2026-11-20T11:00:00Z'), walk: null },
    });
    expect(poll.detail).toBe('reads API v4 (Lemmy 1.0 or later)');
    expect(poll.rejected).toBeUndefined();
  });

  it('remembers the API, and a second pass adds only what is new', async () => {
    const source = lemmySource(SMALL_PAGES, `${server.url}/one`);
    const first = await pass(source, initialSourceState('lemmy'), NOW);
    newItemsArrive();
    asked = [];

    const second = await pass(source, first.state, LATER);
    expect(second.posts).toEqual(SECOND_PASS);
    // No second look at /api/v4/site within the day; the walk ends an hour below the newest post read.
    expect(asked).toEqual([v4PostsUrl('/one'), v4PostsUrl('/one', cursorFor('post', 1006)), v4CommentsUrl('/one'), v4CommentsUrl('/one', cursorFor('comment', 5002))]);
    expect(new Set([...first.posts, ...second.posts].map((p) => p.dedupKey)).size).toBe(first.posts.length + second.posts.length - 1);
  });

  it('continues a catch-up cut short by its page budget exactly where it stopped, with page_cursor', async () => {
    const source = lemmySource({ pageSize: 3, pagesPerList: 2 }, `${server.url}/one`);
    const first = await pass(source, initialSourceState('lemmy'), NOW);
    expect(ids(first.posts)).toEqual(ids(FIRST_PASS));
    expect(JSON.parse(first.state.cursor!)).toMatchObject({ posts: { maxId: null, walk: { pageCursor: cursorFor('post', 1001), pagesRead: 2 } } });

    newItemsArrive();
    asked = [];
    const second = await pass(source, first.state, LATER);
    // The catch-up ends on the page after 1001; a new walk starts at the top and is cut short in turn.
    expect(ids(second.posts)).toEqual(['https://lemmy.world/post/21007', 'https://lemmy.world/post/21006', 'https://lemmy.world/comment/95004']);
    expect(asked.slice(0, 2)).toEqual([v4PostsUrl('/one', cursorFor('post', 1001)), v4PostsUrl('/one')]);

    asked = [];
    const third = await pass(source, second.state, minutesAfter(LATER, 15));
    expect(ids(third.posts)).toEqual(['https://lemmy.ca/post/5008']);
    expect(asked.slice(0, 1)).toEqual([v4PostsUrl('/one', cursorFor('post', 1006))]);
    // Across the passes every item once.
    expect(new Set(ids([...first.posts, ...second.posts, ...third.posts])).size).toBe(first.posts.length + second.posts.length + third.posts.length);
  });

  it('moves to API v4 when the instance is upgraded, found by the daily check, reading only what is new', async () => {
    const source = lemmySource(SMALL_PAGES, `${server.url}/upgrading`);
    const first = await pass(source, initialSourceState('lemmy'), NOW);
    expect(first.posts).toEqual(FIRST_PASS);
    expect(JSON.parse(first.state.cursor!)).toMatchObject({ api: { version: 'v3' } });

    upgraded = true;
    newItemsArrive();
    asked = [];
    // Within the day the remembered v3 is read (a 1.0 instance may still serve it; this one keeps it).
    const sameDay = await pass(source, first.state, LATER);
    expect(sameDay.posts).toEqual(SECOND_PASS);
    expect(asked.every((url) => url.startsWith('/upgrading/api/v3/'))).toBe(true);

    asked = [];
    const nextDay = new Date('2026-11-21T12:30:00Z');
    const third = await pass(source, sameDay.state, nextDay);
    // Nothing new. The post federated late (id 1008 above the walk's top id 1007, at 09:30) is looked at
    // again while it is within the hour below the newest post: the store already has it under its key.
    const seen = new Set(ids([...first.posts, ...sameDay.posts]));
    expect(ids(third.posts).filter((id) => !seen.has(id))).toEqual([]);
    expect(asked[0]).toBe('/upgrading/api/v4/site');
    expect(asked.slice(1).every((url) => url.startsWith('/upgrading/api/v4/'))).toBe(true);
    expect(JSON.parse(third.state.cursor!)).toMatchObject({ api: { version: 'v4', checkedAt: nextDay.toISOString() }, posts: { maxId: 1007, walk: null } });
  });

  it('counts an entry that fails the v4 shape in rejected, with the first reason, and reads the rest', async () => {
    postsV4 = [...postsV4, ...list(fixture('v4/post-list-unreadable.json'), 'items')];
    const { posts: yielded, poll, state } = await pass(lemmySource(SMALL_PAGES, `${server.url}/one`), initialSourceState('lemmy'), NOW);
    expect(yielded).toEqual(FIRST_PASS);
    expect(poll.rejected).toEqual({ count: 1, first: expect.stringMatching(/^post 1009: post\.published_at: /) });
    expect(state.rejected).toBe(1);
    expect(state.lastRejection).toMatch(/^post 1009: post\.published_at: /);
  });

  it('counts an entry that fails the v3 shape too', async () => {
    posts = [{ post: { name: 'No id: a half-written record' } }, ...posts];
    const { posts: yielded, poll } = await pass(lemmySource(), initialSourceState('lemmy'), NOW);
    expect(yielded).toEqual(FIRST_PASS);
    expect(poll.rejected).toEqual({ count: 1, first: expect.stringMatching(/^posts entry #\d of the page: post\.id: /) });
  });
});
