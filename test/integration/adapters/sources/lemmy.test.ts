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

const json = (res: ServerResponse, body: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const time = (value: unknown) => Date.parse(/Z$/.test(String(value)) ? String(value) : `${String(value)}Z`);
const item = (view: Json, key: 'post' | 'comment') => view[key] as Json;

/** Lemmy's sort=New: a community's featured posts first, then newest first. */
function newOrder(views: Json[], key: 'post' | 'comment'): Json[] {
  return [...views].sort(
    (a, b) =>
      Number(item(b, key)['featured_community'] === true) - Number(item(a, key)['featured_community'] === true) ||
      time(item(b, key)['published']) - time(item(a, key)['published']),
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
});

function newItemsArrive(): void {
  posts = [...posts, ...list(fixture('post-list-new.json'), 'posts')];
  comments = [...comments, ...list(fixture('comment-list-new.json'), 'comments')];
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

describe('lemmy source', () => {
  it('reads a community’s posts and comments back to the 30-day horizon on a first pass, leaving out removed and deleted ones', async () => {
    const { posts: yielded, state } = await pass(lemmySource(), initialSourceState('lemmy'), NOW);

    expect(yielded).toEqual([
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
    ]);
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

    expect(second.posts).toEqual([
      expected('https://lemmy.world/post/21007', 'legacy_writer', 'Showrunner responds to the cancellation', "We fought for a fourth season. It's over Thank you all.", '2026-11-20T12:30:00.000Z'),
      expected('https://lemmy.world/post/21006', 'tvfan', 'Where to watch all three seasons', '', '2026-11-20T12:10:00.000Z', 'https://www.amazon.example/bosch-legacy'),
      expected('https://lemmy.ca/post/5008', 'castfan', 'Bosch: Legacy cast reunion photo', '', '2026-11-20T09:30:00.000Z', 'https://lemmy.ca/pictrs/image/reunion.jpeg'),
      expected('https://lemmy.world/comment/95004', 'honey_c', 'Comment on: Showrunner responds to the cancellation', 'Thank you for three great seasons!', '2026-11-20T12:45:00.000Z'),
    ]);
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
