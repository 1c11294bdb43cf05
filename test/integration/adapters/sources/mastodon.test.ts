// The `mastodon` source through the real fetcher against a local server that answers
// GET /api/v1/timelines/tag/:hashtag in Mastodon's Status shape (test/fixtures/mastodon/, described
// in its README). Expected posts are written out from reading the fixtures; dedup keys are the ones
// the RSS path gives the same URL.

import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../../lambdas/adapters/http-fetcher.ts';
import { createMastodonSource, type MastodonSourceOptions } from '../../../../lambdas/adapters/sources/mastodon/index.ts';
import { readFeed } from '../../../../lambdas/core/normalise.ts';
import type { Source } from '../../../../lambdas/core/ports.ts';
import { afterFailure, initialSourceState, isDeferred } from '../../../../lambdas/core/source-health.ts';
import type { Post } from '../../../../lambdas/core/types.ts';
import { startTestServer, type TestServer } from '../../../helpers/http-server.ts';
import { failure, pass } from '../../../helpers/source-poll.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/mastodon/${name}`, import.meta.url), 'utf8');

const NOW = new Date('2026-11-20T12:00:00Z');
const LATER = new Date('2026-11-20T13:00:00Z');
const SOURCE_ID = 'mastodon-saveboschlegacy';
const TIMELINE = '/api/v1/timelines/tag/SaveBoschLegacy';

const fetcher = createHttpFetcher({ timeoutMs: 10_000, maxBytes: 5_000_000, perHostConcurrency: 2, userAgent: 'fanpulse/0.1 (test)' });

/** The key the RSS source gives an item linking to `url`: what a status with that URL must carry. */
function rssKey(url: string): string {
  const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>x</title><link>${url}</link></item></channel></rss>`;
  return readFeed(xml, 'application/rss+xml', { sourceId: 'tv-news', feedUrl: 'https://news.example/feed.xml' })[0]!.dedupKey;
}

function post(fields: Omit<Post, 'sourceId' | 'dedupKey' | 'title'>): Post {
  return { sourceId: SOURCE_ID, ...fields, title: '', dedupKey: rssKey(fields.link!) };
}

// Status ids of the fixtures (Mastodon snowflakes: the creation time in the high bits).
const ID = {
  s9: '117648615022460929',
  boost8: '117648497079484418',
  s7: '117648202189307907',
  s4: '117642284236800004',
  s5: '117547322572800005',
  s6: '117500313600000006',
  n2: '117648831283200009',
};

const S9 = post({
  id: ID.s9,
  link: 'https://mastodon.social/@harryfan/117648615022460929',
  author: 'harryfan',
  // The content warning leads; the link's hidden "https://www." part is still part of its text.
  text: 'Bosch: Legacy S3 finale spoilers — That last scene with Maddie and Harry. Sign the petition: https://www.change.org/p/save-bosch-legacy #SaveBoschLegacy',
  published: '2026-11-20T11:50:00.123Z',
});
// Boosted by bookclub_la on page 1 and listed itself on page 2: the original, once.
const S4 = post({
  id: ID.s4,
  link: 'https://mstdn.example/@titusfan/117642281234567890',
  author: 'titusfan@mstdn.example',
  text: 'Day 1 of #SaveBoschLegacy: writing to Amazon today.',
  published: '2026-11-19T09:00:00.000Z',
});
const S7 = post({
  id: ID.s7,
  link: 'https://tvfans.example/@legacyfan/113500001234567890',
  author: 'legacyfan@tvfans.example',
  text: 'Cancelled after three seasons?! #SaveBoschLegacy #BoschLegacy',
  published: '2026-11-20T10:05:00.789Z',
});
// No `url` (a Pleroma object): the `uri` is the link.
const S5 = post({
  id: ID.s5,
  link: 'https://pleroma.example/objects/6f1c2a9e-0b7d-4c1a-9a43-6a2f5d0e8b11',
  author: 'echo@pleroma.example',
  text: 'Still thinking about that #SaveBoschLegacy billboard on Sunset & Vine.',
  published: '2026-11-02T14:30:00.000Z',
});
const S6 = post({
  id: ID.s6,
  link: 'https://mastodon.social/@harryfan/117500313600000006',
  author: 'harryfan',
  text: 'The petition is live! #SaveBoschLegacy',
  published: '2026-10-25T07:15:00.000Z',
});
const N2 = post({
  id: ID.n2,
  link: 'https://mastodon.social/@bookclub_la/117648831283200009',
  author: 'bookclub_la',
  text: 'Our book club signed the #SaveBoschLegacy petition together 📚',
  published: '2026-11-20T12:45:00.000Z',
});

// --- a local Mastodon instance ----------------------------------------------------------------

interface Hit {
  params: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

class FakeMastodon {
  readonly hits: Hit[] = [];
  /** Replies by page: "" (the top), "max_id=<id>" or "min_id=<id>"; `any` answers every page. */
  private readonly replies = new Map<string, Reply>();
  private any: Reply | null = null;

  constructor(private readonly server: TestServer) {
    // Mastodon matches tags case-insensitively: both spellings are the one timeline.
    for (const path of [TIMELINE, TIMELINE.toLowerCase()]) {
      server.route(path, (req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        this.hits.push({ params: url.searchParams, headers: req.headers });
        const reply = this.any ?? this.replies.get(pageKey(url.searchParams)) ?? { status: 500, body: `no reply set for ${req.url}` };
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers }).end(reply.body);
      });
    }
  }

  get url() {
    return this.server.url;
  }

  page(key: string, body: string, headers: Record<string, string> = {}) {
    this.replies.set(key, { body, headers });
  }

  replyToAll(reply: Reply | null) {
    this.any = reply;
  }

  /** The first pass's pages: the top, then back with max_id. */
  timeline() {
    this.page('', fixture('tag-page1.json'));
    this.page(`max_id=${ID.s7}`, fixture('tag-page2.json'));
    this.page(`max_id=${ID.s5}`, fixture('tag-page3.json'));
  }

  /** Requests in order, as their paging parameter ("" for the top). */
  requests(): string[] {
    return this.hits.map((h) => pageKey(h.params));
  }

  clear() {
    this.hits.length = 0;
  }
}

function pageKey(params: URLSearchParams): string {
  for (const name of ['max_id', 'min_id', 'since_id']) {
    const value = params.get(name);
    if (value !== null) return `${name}=${value}`;
  }
  return '';
}

let server: TestServer;
let mastodon: FakeMastodon;

beforeEach(async () => {
  server = await startTestServer();
  mastodon = new FakeMastodon(server);
});

afterEach(async () => {
  await server.close();
});

const source = (options: MastodonSourceOptions = {}, tag = 'SaveBoschLegacy'): Source =>
  createMastodonSource({ id: SOURCE_ID, instance: mastodon.url, tag }, fetcher, options);



const fresh = () => initialSourceState(SOURCE_ID);

/** 40 statuses newer than S9 (the shape of S9, new ids and times): a full page. */
function fullPageAfterS9(): { body: string; newestId: string } {
  const template = (JSON.parse(fixture('tag-page1.json')) as Record<string, unknown>[])[0]!;
  const statuses = Array.from({ length: 40 }, (_, i) => {
    const id = (BigInt(ID.s9) + BigInt(40 - i)).toString();
    return { ...template, id, created_at: '2026-11-20T11:55:00.000Z', url: `https://mastodon.social/@harryfan/${id}`, uri: `https://mastodon.social/users/harryfan/statuses/${id}` };
  });
  return { body: JSON.stringify(statuses), newestId: statuses[0]!.id };
}

describe('mastodon source', () => {
  it('reads a hashtag from the top back to the 30-day horizon as normalised posts', async () => {
    mastodon.timeline();
    const { poll, state } = await pass(source(), fresh(), NOW);

    expect(poll.posts).toEqual([S9, S4, S7, S5, S6]);
    // Page 3 reached a status from 5 October: nothing older is asked for.
    expect(mastodon.requests()).toEqual(['', `max_id=${ID.s7}`, `max_id=${ID.s5}`]);
    for (const hit of mastodon.hits) expect(hit.params.get('limit')).toBe('40');
    // This instance has no /api/v2/instance (404: before 4.5, or another server): it does not say who
    // may read its hashtag feeds, which is remembered for a day.
    expect(JSON.parse(state.cursor!)).toEqual({
      v: 1,
      for: `${mastodon.url}/tags/saveboschlegacy`,
      newest: ID.s9,
      backfill: null,
      instance: { checkedAt: NOW.toISOString(), hashtagFeeds: null },
    });
  });

  it('takes a boost as its original seen again: one post with the original id, link, author and time', async () => {
    mastodon.timeline();
    const { poll } = await pass(source(), fresh(), NOW);

    expect(poll.posts.filter((p) => p.id === ID.s4)).toEqual([S4]);
    expect(poll.posts.map((p) => p.id)).not.toContain(ID.boost8);
    expect(poll.posts.map((p) => p.author)).not.toContain('bookclub_la');
  });

  it('a second pass reads forward with min_id from the newest status seen, and only the new ones count', async () => {
    mastodon.timeline();
    const from = source();
    const first = await pass(from, fresh(), NOW);

    mastodon.page(`min_id=${ID.s9}`, fixture('tag-newer.json'));
    mastodon.clear();
    const second = await pass(from, first.state, LATER);

    // N2 is new; the other entry is harryfan boosting S7, which the first pass already had.
    expect(second.poll.posts).toEqual([N2, S7]);
    // Two statuses, fewer than a page: caught up after one request.
    expect(mastodon.requests()).toEqual([`min_id=${ID.s9}`]);
    expect(JSON.parse(second.state.cursor!)).toMatchObject({ newest: ID.n2, backfill: null });
    // The store counts by dedup key: across both passes, six distinct statuses.
    expect(new Set([...first.poll.posts, ...second.poll.posts].map((p) => p.dedupKey)).size).toBe(6);
  });

  it('pages forward until caught up: a full page asks for the next', async () => {
    mastodon.timeline();
    const from = source();
    const first = await pass(from, fresh(), NOW);

    const full = fullPageAfterS9();
    mastodon.page(`min_id=${ID.s9}`, full.body);
    mastodon.page(`min_id=${full.newestId}`, fixture('tag-newer.json'));
    mastodon.clear();
    const second = await pass(from, first.state, LATER);

    expect(second.poll.posts).toHaveLength(42);
    expect(mastodon.requests()).toEqual([`min_id=${ID.s9}`, `min_id=${full.newestId}`]);
  });

  it('catches up over several passes, a bounded number of pages each, reading what is new first', async () => {
    mastodon.timeline();
    const from = source({ pagesPerPass: 2 });

    const first = await pass(from, fresh(), NOW);
    expect(first.poll.posts).toEqual([S9, S4, S7, S5]);
    expect(mastodon.requests()).toEqual(['', `max_id=${ID.s7}`]);
    expect(JSON.parse(first.state.cursor!)).toMatchObject({ newest: ID.s9, backfill: { maxId: ID.s5 } });

    mastodon.page(`min_id=${ID.s9}`, fixture('tag-newer.json'));
    mastodon.clear();
    const second = await pass(from, first.state, LATER);
    expect(second.poll.posts).toEqual([N2, S7, S6]);
    expect(mastodon.requests()).toEqual([`min_id=${ID.s9}`, `max_id=${ID.s5}`]);
    expect(JSON.parse(second.state.cursor!)).toMatchObject({ newest: ID.n2, backfill: null });
  });

  it('leaves the rest of a long run of new statuses for the next pass, without a gap', async () => {
    mastodon.timeline();
    const first = await pass(source(), fresh(), NOW);

    const full = fullPageAfterS9();
    mastodon.page(`min_id=${ID.s9}`, full.body);
    mastodon.page(`min_id=${full.newestId}`, fixture('tag-newer.json'));
    const onePage = source({ pagesPerPass: 1 });
    mastodon.clear();
    const second = await pass(onePage, first.state, LATER);
    expect(second.poll.posts).toHaveLength(40);

    const third = await pass(onePage, second.state, LATER);
    expect(third.poll.posts).toEqual([N2, S7]);
    expect(mastodon.requests()).toEqual([`min_id=${ID.s9}`, `min_id=${full.newestId}`]);
  });

  it('stops paging when X-RateLimit-Remaining runs out, and goes on from there next pass', async () => {
    mastodon.timeline();
    mastodon.page('', fixture('tag-page1.json'), { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-11-20T12:05:00.000Z' });
    const from = source();

    const first = await pass(from, fresh(), NOW);
    expect(first.poll.posts).toEqual([S9, S4, S7]);
    expect(mastodon.requests()).toEqual(['']);

    mastodon.page(`min_id=${ID.s9}`, fixture('empty.json'));
    mastodon.clear();
    const second = await pass(from, first.state, NOW);
    // S4 again (listed itself this time): the store has it under the same key already.
    expect(second.poll.posts).toEqual([S4, S5, S6]);
    expect(mastodon.requests()).toEqual([`min_id=${ID.s9}`, `max_id=${ID.s7}`, `max_id=${ID.s5}`]);
  });

  it('treats a cursor it cannot read, or one kept for another tag, as a first run', async () => {
    mastodon.timeline();
    for (const cursor of ['{"v":1,"newest":', '117648615022460929', JSON.stringify({ v: 1, for: `${mastodon.url}/tags/boschlegacy`, newest: ID.n2, backfill: null })]) {
      mastodon.clear();
      const { poll } = await pass(source(), { ...fresh(), cursor }, NOW);
      expect(poll.posts).toEqual([S9, S4, S7, S5, S6]);
      expect(mastodon.requests()).toEqual(['', `max_id=${ID.s7}`, `max_id=${ID.s5}`]);
    }
  });

  it('keeps its cursor when the tag is spelled in another case, as Mastodon tags are one timeline', async () => {
    mastodon.timeline();
    const first = await pass(source(), fresh(), NOW);

    mastodon.page(`min_id=${ID.s9}`, fixture('tag-newer.json'));
    mastodon.clear();
    const second = await pass(source({}, 'saveboschlegacy'), first.state, LATER);
    expect(second.poll.posts).toEqual([N2, S7]);
    expect(mastodon.requests()).toEqual([`min_id=${ID.s9}`]);
  });

  it('answers an empty timeline with no posts, and looks from the top again next pass', async () => {
    mastodon.page('', fixture('empty.json'));
    const from = source();
    const first = await pass(from, fresh(), NOW);
    expect(first.poll.posts).toEqual([]);
    expect(mastodon.requests()).toEqual(['']);

    mastodon.timeline();
    mastodon.clear();
    const second = await pass(from, first.state, NOW);
    expect(second.poll.posts).toEqual([S9, S4, S7, S5, S6]);
  });

  it('fails as not-a-feed on malformed JSON and on JSON that is not a timeline', async () => {
    mastodon.replyToAll({ body: fixture('malformed.json') });
    const malformed = await failure(source().poll(fresh(), NOW));
    expect(malformed.kind).toBe('not-a-feed');
    expect(malformed.message).toMatch(/^not JSON from /);

    // One Status, as /api/v1/statuses/:id answers, instead of the timeline's array.
    mastodon.replyToAll({ body: fixture('single-status.json') });
    const notTimeline = await failure(source().poll(fresh(), NOW));
    expect(notTimeline.kind).toBe('not-a-feed');
    expect(notTimeline.message).toContain('not a Mastodon timeline');
  });

  it('passes a 429 Retry-After on, so the pass defers the source for that long', async () => {
    mastodon.replyToAll({ status: 429, headers: { 'retry-after': '300', 'x-ratelimit-remaining': '0' }, body: '{"error":"Too many requests"}' });
    const error = await failure(source().poll(fresh(), NOW));
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 300_000 });
    const state = afterFailure(fresh(), error, NOW);
    expect(state.retryAfter).toBe('2026-11-20T12:05:00.000Z');
    expect(isDeferred(state, new Date('2026-11-20T12:04:59Z'))).toBe(true);
  });

  it('says what to check on 401/403 (the instance hides its timelines) and 404 (instance and tag)', async () => {
    for (const status of [401, 403]) {
      mastodon.replyToAll({ status, body: fixture('unauthorized.json') });
      const refused = await failure(source().poll(fresh(), NOW));
      expect(refused.details.status).toBe(status);
      expect(refused.message).toContain('public preview is turned off');
    }

    mastodon.replyToAll({ status: 404, body: fixture('not-found.json') });
    const missing = await failure(source().poll(fresh(), NOW));
    expect(missing.details.status).toBe(404);
    expect(missing.message).toContain(`check "instance" (${mastodon.url}`);
    expect(missing.message).toContain('"tag" (SaveBoschLegacy, without "#")');
  });
});

// --- Mastodon 4.5: who may read hashtag feeds, tokens, extra tags, unreadable statuses ---------

/** Serves GET /api/v2/instance with a fixture (Mastodon 4.5's Instance entity); counts the requests. */
function serveInstance(name: string): { hits: () => number } {
  let hits = 0;
  server.route('/api/v2/instance', (_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(fixture(name));
  });
  return { hits: () => hits };
}

const withToken = (credentials: Record<string, string>, config: { any?: string[]; tokenEnv?: string } = {}): Source =>
  createMastodonSource({ id: SOURCE_ID, instance: mastodon.url, tag: 'SaveBoschLegacy', ...config }, fetcher, { credentials });

describe('mastodon source on an instance that restricts hashtag feeds', () => {
  it('says needs-credentials naming MASTODON_TOKEN, without asking for the timeline, when hashtag feeds need a login', async () => {
    serveInstance('instance-authenticated.json');
    mastodon.timeline();
    const error = await failure(source().poll(fresh(), NOW));
    expect(error.kind).toBe('needs-credentials');
    expect(error.message).toMatch(/^set MASTODON_TOKEN \(/);
    expect(error.message).toContain('local posts authenticated, remote posts authenticated');
    expect(error.message).toContain('read:statuses');
    expect(mastodon.requests()).toEqual([]);
    expect(afterFailure(fresh(), error, NOW).health).toBe('needs-credentials');

    // A source that names its own variable is told that one.
    const named = await failure(withToken({ MASTODON_TOKEN: 'not-this-one' }, { tokenEnv: 'FANDOM_SOCIAL_TOKEN' }).poll(fresh(), NOW));
    expect(named.message).toMatch(/^set FANDOM_SOCIAL_TOKEN \(/);
  });

  it('reads with the token as a Bearer header, and checks the instance once a day, not every pass', async () => {
    const instance = serveInstance('instance-authenticated.json');
    mastodon.timeline();
    const from = withToken({ FANDOM_SOCIAL_TOKEN: 'tok-123' }, { tokenEnv: 'FANDOM_SOCIAL_TOKEN' });
    const first = await pass(from, fresh(), NOW);
    expect(first.poll.posts).toEqual([S9, S4, S7, S5, S6]);
    for (const hit of mastodon.hits) expect(hit.headers['authorization']).toBe('Bearer tok-123');
    expect(first.poll.detail).toBe('reads #SaveBoschLegacy with the token in FANDOM_SOCIAL_TOKEN');
    expect(JSON.parse(first.state.cursor!)).toMatchObject({ instance: { checkedAt: NOW.toISOString(), hashtagFeeds: { local: 'authenticated', remote: 'authenticated' } } });
    // The instance endpoint is public: the token goes only to the timeline.
    expect(server.requests.find((r) => r.path === '/api/v2/instance')?.headers['authorization']).toBeUndefined();

    mastodon.page(`min_id=${ID.s9}`, fixture('tag-newer.json'));
    const second = await pass(from, first.state, LATER);
    expect(second.poll.posts).toEqual([N2, S7]);
    expect(instance.hits()).toBe(1);

    mastodon.page(`min_id=${ID.n2}`, fixture('empty.json'));
    await pass(from, second.state, new Date('2026-11-21T12:30:00Z'));
    expect(instance.hits()).toBe(2);
  });

  it('fails saying hashtag feeds are disabled (not a silent empty list) when only staff may read them', async () => {
    serveInstance('instance-disabled.json');
    // What Mastodon answers an anonymous reader of a feed that is not public.
    mastodon.replyToAll({ status: 401, body: fixture('unauthorized.json') });
    const error = await failure(source().poll(fresh(), NOW));
    expect(error.kind).toBe('http-status');
    expect(error.details.status).toBe(401);
    expect(error.message).toContain(`hashtag feeds are disabled on ${mastodon.url} (local posts disabled, remote posts disabled): only its staff can read them`);
    expect(afterFailure(fresh(), error, NOW).health).toBe('failing');

    // With a token the timeline answers an empty list: health says why.
    mastodon.replyToAll({ body: fixture('empty.json') });
    const { poll } = await pass(withToken({ MASTODON_TOKEN: 'tok' }), fresh(), NOW);
    expect(poll.posts).toEqual([]);
    expect(poll.detail).toContain(`hashtag feeds are disabled on ${mastodon.url}`);
  });

  it('says when the instance shows only its own posts in hashtag feeds', async () => {
    serveInstance('instance-remote-disabled.json');
    mastodon.timeline();
    // Remote posts are not public: an anonymous reader is refused outright.
    expect((await failure(source().poll(fresh(), NOW))).kind).toBe('needs-credentials');
    const { poll } = await pass(withToken({ MASTODON_TOKEN: 'tok' }), fresh(), NOW);
    expect(poll.detail).toBe(`reads #SaveBoschLegacy with the token in MASTODON_TOKEN; only posts made on ${mastodon.url}: it shows other servers' posts in hashtag feeds only to its staff`);
  });

  it('reads a public instance without a login, and says so', async () => {
    serveInstance('instance-public.json');
    mastodon.timeline();
    const { poll } = await pass(source(), fresh(), NOW);
    expect(poll.posts).toEqual([S9, S4, S7, S5, S6]);
    expect(poll.detail).toBe('reads #SaveBoschLegacy without a login');
    for (const hit of mastodon.hits) expect(hit.headers['authorization']).toBeUndefined();
  });

  it('turns a 401 into needs-credentials naming the variable without a token, and into a token hint with one', async () => {
    // No /api/v2/instance here (an older server): only the 401 tells.
    mastodon.replyToAll({ status: 401, body: fixture('unauthorized.json') });
    const anonymous = await failure(source().poll(fresh(), NOW));
    expect(anonymous.kind).toBe('needs-credentials');
    expect(anonymous.details.status).toBe(401);
    expect(anonymous.message).toContain('set MASTODON_TOKEN to an access token with the read:statuses scope');

    const refused = await failure(withToken({ MASTODON_TOKEN: 'expired' }).poll(fresh(), NOW));
    expect(refused.kind).toBe('http-status');
    expect(refused.details.status).toBe(401);
    expect(refused.message).toContain(`${mastodon.url} refused the token in MASTODON_TOKEN: check that it is a current access token of an account there with the read:statuses scope`);
  });
});

describe('mastodon source: extra tags and unreadable statuses', () => {
  it('sends extra tags as any[] and keeps them in what the cursor is for', async () => {
    mastodon.timeline();
    const { state } = await pass(withToken({}, { any: ['BoschLegacy', 'Ballard'] }), fresh(), NOW);
    for (const hit of mastodon.hits) expect(hit.params.getAll('any[]')).toEqual(['BoschLegacy', 'Ballard']);
    expect(JSON.parse(state.cursor!)).toMatchObject({ for: `${mastodon.url}/tags/saveboschlegacy?any=ballard,boschlegacy` });
  });

  it('counts a status that fails the Status shape in rejected, with the first reason, and reads the rest', async () => {
    mastodon.timeline();
    const from = source();
    const first = await pass(from, fresh(), NOW);
    expect(first.poll.rejected).toBeUndefined();

    mastodon.page(`min_id=${ID.s9}`, fixture('tag-unreadable.json'));
    const second = await pass(from, first.state, LATER);
    expect(second.poll.posts).toEqual([N2, S7]);
    expect(second.poll.rejected).toEqual({ count: 1, first: expect.stringMatching(/^status 117648890265600010: created_at: /) });
    expect(second.state.rejected).toBe(1);
    // Three entries, fewer than a page: caught up. The unreadable one is not the newest id seen.
    expect(JSON.parse(second.state.cursor!)).toMatchObject({ newest: ID.n2 });
  });
});
