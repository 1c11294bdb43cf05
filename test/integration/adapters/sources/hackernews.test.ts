// The `hackernews` source against a local search API serving the fixtures in the HN Search API's
// (Algolia) shape (test/fixtures/hackernews/README.md): the real fetcher, real HTTP, and the API's
// paging, numeric filters and 1,000-hit cap (made smaller here so splitting shows).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../../lambdas/adapters/http-fetcher.ts';
import { createSource } from '../../../../lambdas/adapters/sources/create-source.ts';
import { createHackerNewsSource, type HackerNewsLimits } from '../../../../lambdas/adapters/sources/hackernews.ts';
import { sourceSchema } from '../../../../lambdas/config/schema.ts';
import type { Source } from '../../../../lambdas/core/ports.ts';
import { initialSourceState } from '../../../../lambdas/core/source-health.ts';
import type { Post } from '../../../../lambdas/core/types.ts';
import { startTestServer, type TestServer } from '../../../helpers/http-server.ts';
import { failure, pass } from '../../../helpers/source-poll.ts';

type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../../fixtures/hackernews/${name}`, import.meta.url), 'utf8')) as Json;
const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

const QUERY = 'bosch legacy';
// Epoch seconds, worked out by hand: 2026-11-20T12:00:00Z is 1795176000.
const NOW = new Date('2026-11-20T12:00:00Z');
const NOW_S = 1_795_176_000;
const HORIZON_S = NOW_S - 30 * 86_400; // 2026-10-21T12:00:00Z
const LATER = new Date('2026-11-20T13:00:00Z');
const LATER_S = NOW_S + 3_600;
const LATEST = new Date('2026-11-20T13:15:00Z');
const LATEST_S = NOW_S + 4_500;
const AT = {
  H2_comment_1130: 1_795_174_200,
  H1_story_1100: 1_795_172_400,
  H3_ask_1000: 1_795_168_800,
  H5_H4_0900: 1_795_165_200,
  H6_story_oct25: 1_792_929_600,
  H10_story_oct24: 1_792_843_200,
  H8_story_1240: 1_795_178_400,
};

let server: TestServer;
let asked: URLSearchParams[];
let index: Json[];
/** The API answers at most this many hits for one query (paginationLimitedTo); 1,000 on hn.algolia.com. */
let cap: number;

const created = (hit: Json) => hit['created_at_i'] as number;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/api/v1/search_by_date', (req, res) => {
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    asked.push(params);
    if (params.get('tags') !== '(story,comment)') throw new Error('the fake search API only knows tags=(story,comment)');
    const filters = (params.get('numericFilters') ?? '').split(',').filter(Boolean);
    const matching = index
      .filter((hit) => params.get('query') === QUERY)
      .filter((hit) =>
        filters.every((filter) => {
          const [, op, value] = /^created_at_i(>=|<=|>|<)(\d+)$/.exec(filter) ?? [];
          const t = created(hit);
          const v = Number(value);
          return op === '>' ? t > v : op === '>=' ? t >= v : op === '<' ? t < v : op === '<=' ? t <= v : false;
        }),
      )
      // search_by_date: newest first (ties in a fixed order).
      .sort((a, b) => created(b) - created(a) || Number(b['objectID']) - Number(a['objectID']));
    const hitsPerPage = Number(params.get('hitsPerPage') ?? 20);
    const page = Number(params.get('page') ?? 0);
    const reachable = matching.slice(0, cap);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(
      JSON.stringify({
        ...fixture('search_by_date.json'),
        hits: reachable.slice(page * hitsPerPage, (page + 1) * hitsPerPage),
        hitsPerPage,
        nbHits: matching.length,
        nbPages: Math.ceil(reachable.length / hitsPerPage),
        page,
        query: params.get('query'),
        params: params.toString(),
      }),
    );
  });
  server.route('/blocked/api/v1/search_by_date', (_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Invalid Application-ID or API key","status":403}'));
  server.route('/busy/api/v1/search_by_date', (_req, res) => res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '120' }).end('{"message":"Too many requests","status":429}'));
  server.route('/broken/api/v1/search_by_date', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hits":[{"objectID":"46100002","comment_text":"Amazon'));
  // One answer whatever is asked, holding hits that are not hits as the API documents them.
  server.route('/odd/api/v1/search_by_date', (_req, res) => {
    const [h2, h1, h3] = fixture('search_by_date.json')['hits'] as Json[];
    const { created_at_i: _time, ...withoutTime } = h1!;
    const { objectID: _id, ...withoutId } = h3!;
    const hits = [h2, withoutTime, withoutId, { ...h3, objectID: '46090004' }];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...fixture('search_by_date.json'), hits, nbHits: 4, nbPages: 1, page: 0 }));
  });
  server.route('/html/api/v1/search_by_date', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  asked = [];
  index = fixture('search_by_date.json')['hits'] as Json[];
  cap = 1000;
});

function newHitsIndexed(): void {
  index = [...index, ...(fixture('search_by_date-new.json')['hits'] as Json[])];
}

const fetcher = () =>
  createHttpFetcher({ timeoutMs: 10_000, maxBytes: 1_000_000, perHostConcurrency: 4, userAgent: 'fanpulse-test/0.1 (integration tests; +https://example.test)' });

function hnSource(limits: Partial<HackerNewsLimits> = {}, baseUrl = server.url, query = QUERY): Source {
  return createHackerNewsSource({ id: 'hn', query, baseUrl }, fetcher(), limits);
}



/** The window a request asked for: after < created_at_i <= upTo, and which page. */
const windows = () => asked.map((params) => `${params.get('numericFilters')} page=${params.get('page')}`);
const window = (after: number, upTo: number, page: number) => `created_at_i>${after},created_at_i<=${upTo} page=${page}`;
const ids = (posts: Post[]) => posts.map((post) => post.id);

const item = (id: string) => `https://news.ycombinator.com/item?id=${id}`;
function expected(id: string, link: string, author: string, title: string, text: string, published: string, dedupOf = link): Post {
  return { sourceId: 'hn', id, dedupKey: sha(dedupOf), link, author, title, text, published };
}
const CANCELLED = 'Amazon cancels Bosch: Legacy after three seasons';
const ASK = 'Ask HN: Shows like Bosch: Legacy?';

describe('hackernews source', () => {
  it('reads the stories and comments of the last 30 days on a first pass, leaving out a deleted comment', async () => {
    const { poll, posts, state } = await pass(hnSource(), initialSourceState('hn'), NOW);

    expect(poll.rejected).toBeUndefined();
    expect(posts).toEqual([
      expected('46100002', item('46100002'), 'tvnerd', `Comment on: ${CANCELLED}`, 'Amazon keeps the spin-off but cancels the show people watch. The petition is at 15k.', '2026-11-20T11:30:00.000Z'),
      // A link story is its article: linked and keyed by the article's URL (canonical: no trailing slash).
      expected(
        '46100001',
        'https://variety.example/2026/tv/news/bosch-legacy-cancelled-1236000000/',
        'pg_fan',
        CANCELLED,
        '',
        '2026-11-20T11:00:00.000Z',
        'https://variety.example/2026/tv/news/bosch-legacy-cancelled-1236000000',
      ),
      // An Ask HN has no url: its HN page is its link.
      expected('46090003', item('46090003'), 'procedural_fan', ASK, 'Looking for procedurals with the same tone. Bosch & Legacy both hooked me. Not Law & Order.', '2026-11-20T10:00:00.000Z'),
      expected('46080005', item('46080005'), 'lurker', `Comment on: ${ASK}`, 'Try Justified. Also: https://www.change.org/p/save-bosch-legacy', '2026-11-20T09:00:00.000Z'),
      expected('45800006', 'https://www.youtube.example/watch?v=bl3trailer', 'trailers', 'Bosch: Legacy season 3 trailer', '', '2026-10-25T12:00:00.000Z'),
      expected('45790010', 'https://www.newyorker.example/culture/titus-welliver-bosch', 'longreads', 'Titus Welliver on playing Bosch for ten years', '', '2026-10-24T12:00:00.000Z'),
      expected('45780011', item('45780011'), 'reader', 'Comment on: Titus Welliver on playing Bosch for ten years', 'Great interview. He is Harry Bosch.', '2026-10-23T12:00:00.000Z'),
    ]);
    expect(asked.map((params) => Object.fromEntries(params))).toEqual([
      { query: QUERY, tags: '(story,comment)', hitsPerPage: '100', numericFilters: `created_at_i>${HORIZON_S},created_at_i<=${NOW_S}`, page: '0' },
    ]);
    expect(JSON.parse(state.cursor!)).toEqual({ v: 1, for: QUERY, newest: AT.H2_comment_1130, recent: [['46100002', AT.H2_comment_1130]], gaps: [] });
  });

  it('reads only what is new on the next pass, from 15 minutes before the newest item, catching one the index showed late', async () => {
    const source = hnSource();
    const first = await pass(source, initialSourceState('hn'), NOW);
    newHitsIndexed();
    asked = [];

    const second = await pass(source, first.state, LATER);

    expect(second.posts).toEqual([
      // The petition link is keyed without its tracking parameter: the same story as a feed item linking it.
      expected('46110008', 'https://www.change.org/p/save-bosch-legacy?utm_source=hn', 'campaigner', 'Petition to revive Bosch: Legacy passes 20k signatures', '', '2026-11-20T12:40:00.000Z', 'https://www.change.org/p/save-bosch-legacy'),
      // Created at 11:25, before the newest item read last pass (11:30), but not in the index then.
      expected('46100009', item('46100009'), 'late_indexer', `Comment on: ${CANCELLED}`, 'Welliver deserves better.', '2026-11-20T11:25:00.000Z'),
    ]);
    // 46100002 (11:30) is in the re-read quarter of an hour and was read: not yielded twice.
    expect(windows()).toEqual([window(AT.H2_comment_1130 - 900, LATER_S, 0)]);
    expect(JSON.parse(second.state.cursor!)).toEqual({ v: 1, for: QUERY, newest: AT.H8_story_1240, recent: [['46110008', AT.H8_story_1240]], gaps: [] });
  });

  it('splits a range that reaches the 1,000-hit cap at the oldest second read, across a tie', async () => {
    cap = 4;
    const { posts } = await pass(hnSource({ hitsPerPage: 2 }), initialSourceState('hn'), NOW);

    expect(ids(posts)).toEqual(['46100002', '46100001', '46090003', '46080005', '45800006', '45790010', '45780011']);
    expect(windows()).toEqual([
      window(HORIZON_S, NOW_S, 0),
      window(HORIZON_S, NOW_S, 1),
      // 8 hits, 4 reachable: the next window ends at 09:00, where 46080005 was read and 46080004 was not.
      window(HORIZON_S, AT.H5_H4_0900, 0),
      window(HORIZON_S, AT.H5_H4_0900, 1),
      window(HORIZON_S, AT.H10_story_oct24, 0),
    ]);
  });

  it('keeps what its page budget did not reach as a gap, and reads it after what is new in later passes', async () => {
    const source = hnSource({ hitsPerPage: 2, pagesPerPass: 3 });
    const first = await pass(source, initialSourceState('hn'), NOW);
    expect(ids(first.posts)).toEqual(['46100002', '46100001', '46090003', '46080005', '45800006']);
    expect(windows()).toEqual([window(HORIZON_S, NOW_S, 0), window(HORIZON_S, NOW_S, 1), window(HORIZON_S, NOW_S, 2)]);
    expect(JSON.parse(first.state.cursor!)).toMatchObject({ newest: AT.H2_comment_1130, gaps: [{ after: HORIZON_S, upTo: AT.H6_story_oct25, skip: ['45800006'] }] });

    newHitsIndexed();
    asked = [];
    const second = await pass(source, first.state, LATER);
    expect(ids(second.posts)).toEqual(['46110008', '46100009', '45790010']);
    const laterHorizon = HORIZON_S + 3_600;
    expect(windows()).toEqual([
      window(AT.H2_comment_1130 - 900, LATER_S, 0),
      window(AT.H2_comment_1130 - 900, LATER_S, 1),
      window(laterHorizon, AT.H6_story_oct25, 0),
    ]);
    expect(JSON.parse(second.state.cursor!)).toMatchObject({ newest: AT.H8_story_1240, gaps: [{ after: laterHorizon, upTo: AT.H10_story_oct24, skip: ['45790010'] }] });

    asked = [];
    const third = await pass(source, second.state, LATEST);
    expect(ids(third.posts)).toEqual(['45780011']);
    expect(windows()).toEqual([window(AT.H8_story_1240 - 900, LATEST_S, 0), window(HORIZON_S + 4_500, AT.H10_story_oct24, 0)]);
    expect(JSON.parse(third.state.cursor!)).toMatchObject({ gaps: [] });
  });

  it('counts the hits it cannot read in its health, with the first reason, and reads the rest', async () => {
    const { poll, posts, state } = await pass(hnSource({}, `${server.url}/odd`), initialSourceState('hn'), NOW);

    // 46100001 without created_at_i and the Ask HN without objectID are counted; its copy under another id is read.
    expect(ids(posts)).toEqual(['46100002', '46090004']);
    const first = 'hit 46100001: created_at_i: Invalid input: expected number, received undefined';
    expect(poll.rejected).toEqual({ count: 2, first });
    expect(state).toMatchObject({ rejected: 2, lastRejection: first });
  });

  it('treats a cursor it cannot read, one for another query or one of the release before, as a first run', async () => {
    const other = JSON.stringify({ v: 1, for: 'bosch', newest: NOW_S, recent: [], gaps: [] });
    // The release before cursors named what they are for: a first run, whose posts the store already
    // holds and does not count again (it keeps the ids each bucket counted).
    const unnamed = JSON.stringify({ v: 1, query: QUERY, newest: NOW_S, recent: [], gaps: [] });
    for (const cursor of ['[1,2', other, unnamed]) {
      asked = [];
      const { posts } = await pass(hnSource(), { ...initialSourceState('hn'), cursor }, NOW);
      expect(posts).toHaveLength(7);
      expect(windows()).toEqual([window(HORIZON_S, NOW_S, 0)]);
    }
  });

  it('yields nothing for a query with no hits, and starts from the horizon again next time', async () => {
    const { posts, state } = await pass(hnSource({}, server.url, 'nothing matches this'), initialSourceState('hn'), NOW);
    expect(posts).toEqual([]);
    expect(JSON.parse(state.cursor!)).toEqual({ v: 1, for: 'nothing matches this', newest: null, recent: [], gaps: [] });
  });

  it('says to check baseUrl on a 403 and on a 404', async () => {
    const blocked = await failure(hnSource({}, `${server.url}/blocked`).poll(initialSourceState('hn'), NOW));
    expect(blocked.details.status).toBe(403);
    expect(blocked.message).toContain(`the search API refused access: hn.algolia.com needs no key, so check "baseUrl" (${server.url}/blocked)`);
    const missing = await failure(hnSource({}, `${server.url}/elsewhere`).poll(initialSourceState('hn'), NOW));
    expect(missing.details.status).toBe(404);
    expect(missing.message).toContain(`check "baseUrl" (${server.url}/elsewhere): it must be the search API's host (default https://hn.algolia.com)`);
  });

  it('fails with the Retry-After of a 429, so the pipeline defers the source', async () => {
    const error = await failure(hnSource({}, `${server.url}/busy`).poll(initialSourceState('hn'), NOW));
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 120_000 });
  });

  it('fails as not-a-feed on malformed JSON and on JSON without hits', async () => {
    const malformed = await failure(hnSource({}, `${server.url}/broken`).poll(initialSourceState('hn'), NOW));
    expect(malformed.kind).toBe('not-a-feed');
    const other = await failure(hnSource({}, `${server.url}/html`).poll(initialSourceState('hn'), NOW));
    expect(other.kind).toBe('not-a-feed');
    expect(other.message).toContain('no "hits" list');
  });

  it('is what createSource builds for a hackernews config with a baseUrl', async () => {
    const config = sourceSchema.parse({ id: 'hn', type: 'hackernews', query: QUERY, baseUrl: `${server.url}/`, topics: ['bosch-legacy'] });
    const { posts } = await pass(createSource(config, fetcher()), initialSourceState('hn'), NOW);
    expect(posts).toHaveLength(7);
    expect(asked.map((params) => params.get('hitsPerPage'))).toEqual(['100']);
  });
});
