// The `bluesky` source against a local entryway and PDS answering in the atproto lexicons' shapes
// (test/helpers/bluesky-server.ts, test/fixtures/bluesky/README.md): the real fetcher, real HTTP,
// sessions kept in a SessionStore (in memory, and the real DynamoDB store on dynalite). The expected
// posts are written out by hand from the fixtures.

import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../../../lambdas/adapters/dynamo-store.ts';
import { createHttpFetcher } from '../../../../lambdas/adapters/http-fetcher.ts';
import { createMemorySessions } from '../../../../lambdas/adapters/sources/api/sessions.ts';
import { createBlueskySource, type BlueskyLimits } from '../../../../lambdas/adapters/sources/bluesky/index.ts';
import { createSources } from '../../../../lambdas/adapters/sources/create-source.ts';
import { configSchema, sourceSchema, type SourceOf } from '../../../../lambdas/config/schema.ts';
import type { SessionStore, Source } from '../../../../lambdas/core/ports.ts';
import { initialSourceState } from '../../../../lambdas/core/source-health.ts';
import type { Post } from '../../../../lambdas/core/types.ts';
import { ACCESS_S, APP_PASSWORD, bskyFixture, DID, HANDLE, startFakeBluesky, type FakeBluesky } from '../../../helpers/bluesky-server.ts';
import { startTestDynamo, type TestDynamo } from '../../../helpers/dynamo.ts';
import { failure, pass } from '../../../helpers/source-poll.ts';

type Json = Record<string, unknown>;
const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

const QUERY = '"bosch legacy" OR #saveboschlegacy';
const NOW = new Date('2026-11-20T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const LATER = new Date('2026-11-20T13:00:00Z');
const CREDENTIALS = { BLUESKY_HANDLE: HANDLE, BLUESKY_APP_PASSWORD: APP_PASSWORD };

let bsky: FakeBluesky;
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});
beforeEach(async () => {
  bsky = await startFakeBluesky(NOW_S);
  bsky.index = bskyFixture('searchPosts.json')['posts'] as Json[];
});
afterEach(async () => {
  await bsky.close();
});

const newPostsIndexed = () => (bsky.index = [...bsky.index, ...(bskyFixture('searchPosts-new.json')['posts'] as Json[])]);

const fetcher = () =>
  createHttpFetcher({ timeoutMs: 10_000, maxBytes: 1_000_000, perHostConcurrency: 4, userAgent: 'fanpulse-test/0.1 (integration tests; +https://example.test)' });

function config(fields: Partial<SourceOf<'bluesky'>> = {}): SourceOf<'bluesky'> {
  return sourceSchema.parse({ id: 'bsky', type: 'bluesky', topics: ['bosch-legacy'], query: QUERY, lang: 'en', service: bsky.entryway.url, ...fields }) as SourceOf<'bluesky'>;
}

function bskySource(options: { sessions?: SessionStore; limits?: Partial<BlueskyLimits>; credentials?: Record<string, string>; fields?: Partial<SourceOf<'bluesky'>> } = {}): Source {
  return createBlueskySource(config(options.fields), {
    fetcher: fetcher(),
    credentials: options.credentials ?? CREDENTIALS,
    sessions: options.sessions ?? createMemorySessions(),
    ...(options.limits ? { limits: options.limits } : {}),
  });
}

const ids = (posts: Post[]) => posts.map((post) => post.id.split('/').at(-1));
const uri = (did: string, rkey: string) => `at://${did}/app.bsky.feed.post/${rkey}`;
const page = (handle: string, rkey: string) => `https://bsky.app/profile/${handle}/post/${rkey}`;

const FAN = DID;
const TITUS = 'did:plc:titusfan3hz4cw6n2aqp';
const RENEW = 'did:plc:renewnow6xk2bq5ld7hm';
const NEWS = 'did:plc:newsdesk7yy3vb2kq4re';
const HUB = 'did:plc:harryhub4pl9mx3dn6ts';
const GHOST = 'did:plc:oldacct5qm8rt2wp9vbn';
const CAMP = 'did:plc:campaign8kd3mw5yq6td';
const PETITION = 'https://www.change.org/p/save-bosch-legacy';

function post(did: string, rkey: string, handle: string, fields: Pick<Post, 'title' | 'text' | 'published'>, article?: string): Post {
  const link = page(handle, rkey);
  return { sourceId: 'bsky', id: uri(did, rkey), dedupKey: sha(article ?? link), link, author: handle, ...fields };
}

const FIRST_PASS: Post[] = [
  // A reply to a post on the same search (a later page when pages are small): titled by whom it answers.
  post(FAN, '3m6aqrepl1s2k', 'boschfan.bsky.social', { title: 'Reply to @renewnow.bsky.social', text: 'Same. Bosch: Legacy deserved a fourth season.', published: '2026-11-20T11:49:58.000Z' }),
  // A quote: its own words, its own key; the hashtag in `tags` (not in the text) is added.
  post(TITUS, '3m6aqquote2s2k', 'titusfan.bsky.social', { title: '', text: 'This is why we sign. #SaveBoschLegacy #boschlegacy', published: '2026-11-20T11:39:51.000Z' }),
  // The shortened link (after a 4-byte emoji: facets count UTF-8 bytes) becomes its full URL; keyed by the petition, without utm_source.
  post(
    RENEW,
    '3m6aqpetn3s2k',
    'renewnow.bsky.social',
    { title: '', text: `📺 Sign the petition: ${PETITION}?utm_source=bsky and tell @amazonprime`, published: '2026-11-20T11:29:40.000Z' },
    PETITION,
  ),
  // A link card and no text: titled and keyed by the article (canonical: no trailing slash).
  post(
    NEWS,
    '3m6aqnews4s2k',
    'newsdesk.bsky.social',
    { title: 'Amazon cancels Bosch: Legacy after three seasons', text: '', published: '2026-11-20T10:59:30.000Z' },
    'https://variety.example/2026/tv/news/bosch-legacy-cancelled-1236000000',
  ),
  // A reply to someone not in the search: "Reply". A link on words keeps them and adds the URL. createdAt in the future is passed on as written.
  post(HUB, '3m6aqrepl5s2k', 'harryhub.bsky.social', { title: 'Reply', text: `Signed the petition today. Bosch Legacy forever ${PETITION}`, published: '2026-11-20T13:30:00.000Z' }, PETITION),
  // An unverified handle: named and linked by DID. A quote with a link card: keyed by the card's URL.
  post(GHOST, '3m4xmedia6s2k', GHOST, { title: 'Bosch: Legacy season 3 trailer', text: 'Season 3 trailer, still the best Bosch: Legacy scene', published: '2026-10-25T11:59:00.000Z' }, 'https://www.youtube.example/watch?v=bl3trailer'),
];

const REJECTED = { count: 1, first: `post ${uri(CAMP, '3m6aqbroke7s2k')}: record.createdAt: Invalid input: expected string, received undefined` };

describe('bluesky source', () => {
  it('logs in once, then reads the posts of the last 30 days at the PDS, counting the one it cannot read', async () => {
    const { poll, posts, state } = await pass(bskySource(), initialSourceState('bsky'), NOW);

    expect(posts).toEqual(FIRST_PASS);
    expect(poll.rejected).toEqual(REJECTED);
    expect(state.rejected).toBe(1);
    expect(poll.detail).toBe(`searches as @${HANDLE} through ${new URL(bsky.pds.url).host}`);

    expect(bsky.calls('com.atproto.server.createSession').map((call) => call.server)).toEqual(['entryway']);
    const searches = bsky.calls('app.bsky.feed.searchPosts');
    expect(searches.map((call) => [call.server, Object.fromEntries(call.params)])).toEqual([
      ['pds', { q: QUERY, sort: 'latest', limit: '100', until: '2026-11-20T12:00:00.000Z', lang: 'en' }],
    ]);
    expect(searches[0]!.authorization).toMatch(/^Bearer ey/);
    // Newest indexedAt 11:50:00.120; the uris indexed after 11:35:00.120 are kept for the next pass's re-read.
    expect(JSON.parse(state.cursor!)).toEqual({
      v: 1,
      for: JSON.stringify([QUERY, 'en']),
      newest: Date.parse('2026-11-20T11:50:00.120Z'),
      pending: null,
      recent: [
        [uri(FAN, '3m6aqrepl1s2k'), Date.parse('2026-11-20T11:50:00.120Z')],
        [uri(TITUS, '3m6aqquote2s2k'), Date.parse('2026-11-20T11:40:00.000Z')],
      ],
    });
  });

  it('pages with the cursor, every page of the walk asking until the time it began', async () => {
    const { posts, poll } = await pass(bskySource({ limits: { pageSize: 2 } }), initialSourceState('bsky'), NOW);

    expect(posts).toEqual(FIRST_PASS);
    expect(poll.rejected).toEqual(REJECTED);
    expect(bsky.calls('app.bsky.feed.searchPosts').map((call) => [call.params.get('cursor'), call.params.get('until'), call.params.get('limit')])).toEqual([
      [null, '2026-11-20T12:00:00.000Z', '2'],
      ['2', '2026-11-20T12:00:00.000Z', '2'],
      ['4', '2026-11-20T12:00:00.000Z', '2'],
      // P6 and then a post older than the horizon: the walk ends there.
      ['6', '2026-11-20T12:00:00.000Z', '2'],
    ]);
  });

  it('adds only what is new on the next pass, re-reading 15 minutes for a post the index showed late, with the same session', async () => {
    const source = bskySource();
    const first = await pass(source, initialSourceState('bsky'), NOW);
    newPostsIndexed();
    bsky.clockS = LATER.getTime() / 1000;

    const second = await pass(source, first.state, LATER);

    expect(second.posts).toEqual([
      post(CAMP, '3m6ar2new1s2k', 'campaign.bsky.social', { title: '', text: 'Bosch: Legacy petition passes 20k signatures!', published: '2026-11-20T12:39:58.000Z' }),
      // Indexed at 11:45, before the newest post of the first pass (11:50), but not searchable then.
      post(TITUS, '3m6aqlate2s2k', 'titusfan.bsky.social', { title: 'Reply to @boschfan.bsky.social', text: '@boschfan.bsky.social it did. Welliver deserves better.', published: '2026-11-20T11:44:50.000Z' }),
    ]);
    // 11:50 and 11:40 were re-read (kept in `recent`), 11:30 is at or before the stop: one page.
    expect(bsky.calls('app.bsky.feed.searchPosts')).toHaveLength(2);
    expect(second.poll.rejected).toBeUndefined();
    expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(1);
    expect(bsky.calls('com.atproto.server.refreshSession')).toHaveLength(0);
    expect(JSON.parse(second.state.cursor!)).toMatchObject({ newest: Date.parse('2026-11-20T12:40:00.000Z'), pending: null, recent: [[uri(CAMP, '3m6ar2new1s2k'), Date.parse('2026-11-20T12:40:00.000Z')]] });

    const third = await pass(source, second.state, new Date('2026-11-20T13:15:00Z'));
    expect(third.posts).toEqual([]);
  });

  it('keeps a walk its page budget did not finish and reads it on after what is new', async () => {
    const source = bskySource({ limits: { pageSize: 2, pagesPerPass: 3 } });
    const first = await pass(source, initialSourceState('bsky'), NOW);
    expect(ids(first.posts)).toEqual(['3m6aqrepl1s2k', '3m6aqquote2s2k', '3m6aqpetn3s2k', '3m6aqnews4s2k', '3m6aqrepl5s2k']);
    expect(JSON.parse(first.state.cursor!)).toMatchObject({ pending: { token: { cursor: '6', until: '2026-11-20T12:00:00.000Z' }, stopAt: null } });

    bsky.index = [...bsky.index, (bskyFixture('searchPosts-new.json')['posts'] as Json[])[0]!];
    bsky.clockS = LATER.getTime() / 1000;
    const second = await pass(source, first.state, LATER);

    expect(ids(second.posts)).toEqual(['3m6ar2new1s2k', '3m4xmedia6s2k']);
    expect(bsky.calls('app.bsky.feed.searchPosts').slice(3).map((call) => [call.params.get('cursor'), call.params.get('until')])).toEqual([
      [null, '2026-11-20T13:00:00.000Z'],
      ['2', '2026-11-20T13:00:00.000Z'],
      ['6', '2026-11-20T12:00:00.000Z'],
    ]);
    expect(JSON.parse(second.state.cursor!)).toMatchObject({ pending: null });
  });

  it('keeps the session in the store across processes, refreshes it when the access token has expired, and logs in again only when the refresh is refused', async () => {
    const { tableName } = await dynamo.newStore();
    // Each "process" has its own store client on the same table, and its own source.
    const processStore = () => createDynamoStore({ client: dynamo.client, tableName });

    const first = await pass(bskySource({ sessions: processStore() }), initialSourceState('bsky'), NOW);
    expect(first.posts).toHaveLength(6);
    const second = await pass(bskySource({ sessions: processStore() }), first.state, new Date('2026-11-20T12:30:00Z'));
    expect(second.posts).toEqual([]);
    expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(1);
    expect(bsky.calls('com.atproto.server.refreshSession')).toHaveLength(0);

    // Three hours on, the access token (2 hours) has expired: refreshed at the PDS with the refresh token, no new login.
    const threeHoursOn = new Date(NOW.getTime() + 3 * 3600_000);
    bsky.clockS = threeHoursOn.getTime() / 1000;
    const stored = JSON.parse((await processStore().getSession(`bluesky:${bsky.entryway.url}:${HANDLE}`))!) as { refreshJwt: string; accessJwt: string };
    await pass(bskySource({ sessions: processStore() }), second.state, threeHoursOn);
    expect(bsky.calls('com.atproto.server.refreshSession')).toEqual([{ server: 'pds', params: new URLSearchParams(), authorization: `Bearer ${stored.refreshJwt}` }]);
    expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(1);
    const refreshed = JSON.parse((await processStore().getSession(`bluesky:${bsky.entryway.url}:${HANDLE}`))!) as { accessJwt: string };
    expect(refreshed.accessJwt).not.toBe(stored.accessJwt);
    expect(bsky.calls('app.bsky.feed.searchPosts').at(-1)!.authorization).toBe(`Bearer ${refreshed.accessJwt}`);

    // Access and refresh tokens revoked: the search's 400 InvalidToken leads to a refresh, its 400 ExpiredToken to one new login.
    bsky.revokeAccessTokens();
    bsky.revokeRefreshTokens();
    const again = await pass(bskySource({ sessions: processStore() }), second.state, threeHoursOn);
    expect(again.posts).toEqual([]);
    expect(bsky.calls('com.atproto.server.refreshSession')).toHaveLength(2);
    expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(2);
  });

  it('renews an access token the server calls expired before its exp, and retries the search once', async () => {
    const sessions = createMemorySessions();
    const first = await pass(bskySource({ sessions }), initialSourceState('bsky'), NOW);
    bsky.failNext.set('app.bsky.feed.searchPosts', { status: 400, body: '{"error":"ExpiredToken","message":"Token has expired"}' });

    const second = await pass(bskySource({ sessions }), first.state, new Date('2026-11-20T12:10:00Z'));

    expect(second.posts).toEqual([]);
    expect(bsky.calls('com.atproto.server.refreshSession')).toHaveLength(1);
    expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(1);
    expect(bsky.calls('app.bsky.feed.searchPosts')).toHaveLength(3);
  });

  it('refreshes before searching when the stored access token is within a minute of its exp', async () => {
    const sessions = createMemorySessions();
    const first = await pass(bskySource({ sessions }), initialSourceState('bsky'), NOW);
    const nearExpiry = new Date((NOW_S + ACCESS_S - 30) * 1000);
    bsky.clockS = nearExpiry.getTime() / 1000;

    await pass(bskySource({ sessions }), first.state, nearExpiry);

    expect(bsky.calls('com.atproto.server.refreshSession')).toHaveLength(1);
    // Searched once, with the new token: never with the old one.
    expect(bsky.calls('app.bsky.feed.searchPosts')).toHaveLength(2);
  });

  it('shares one login between two sources of one account polled at once', async () => {
    const parsed = configSchema.parse({
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'] }],
      sources: [
        { id: 'bsky-a', type: 'bluesky', topics: ['bosch-legacy'], query: QUERY, service: bsky.entryway.url },
        { id: 'bsky-b', type: 'bluesky', topics: ['bosch-legacy'], query: '#saveboschlegacy', lang: 'en', service: bsky.entryway.url },
      ],
    });
    const sources = createSources(parsed, fetcher(), { credentials: CREDENTIALS });

    const polls = await Promise.all(sources.map((source) => source.poll(initialSourceState(source.id), NOW)));

    expect(polls.map((poll) => poll.posts.length)).toEqual([7, 6]);
    expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(1);
    const tokens = new Set(bsky.calls('app.bsky.feed.searchPosts').map((call) => call.authorization));
    expect(tokens.size).toBe(1);
  });

  it('shares a refused login too: one createSession, both sources fail with what to check', async () => {
    const parsed = configSchema.parse({
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'] }],
      sources: [
        { id: 'bsky-a', type: 'bluesky', topics: ['bosch-legacy'], query: QUERY, service: bsky.entryway.url },
        { id: 'bsky-b', type: 'bluesky', topics: ['bosch-legacy'], query: '#saveboschlegacy', service: bsky.entryway.url },
      ],
    });
    const sources = createSources(parsed, fetcher(), { credentials: { ...CREDENTIALS, BLUESKY_APP_PASSWORD: 'wrong-pass-word-0000' } });

    const errors = await Promise.all(sources.map((source) => failure(source.poll(initialSourceState(source.id), NOW))));

    expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(1);
    for (const error of errors) {
      expect(error.kind).toBe('http-status');
      expect(error.details.status).toBe(401);
      expect(error.message).toContain('check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD');
      expect(error.message).toContain('(AuthenticationRequired: Invalid identifier or password)');
    }
  });

  it('needs credentials: without BLUESKY_HANDLE and BLUESKY_APP_PASSWORD it says what to set and requests nothing', async () => {
    const error = await failure(bskySource({ credentials: { BLUESKY_HANDLE: HANDLE } }).poll(initialSourceState('bsky'), NOW));

    expect(error.kind).toBe('needs-credentials');
    expect(error.message).toMatch(/^set BLUESKY_APP_PASSWORD \(.*Settings → Privacy and security → App passwords\)/);
    expect(bsky.entryway.requests).toEqual([]);
    expect(bsky.pds.requests).toEqual([]);
  });

  it('searches at the service it logged in at when the session names no PDS', async () => {
    bsky.didDoc = false;
    const { posts, poll } = await pass(bskySource(), initialSourceState('bsky'), NOW);

    expect(posts).toHaveLength(6);
    expect(bsky.calls('app.bsky.feed.searchPosts').map((call) => call.server)).toEqual(['entryway']);
    expect(poll.detail).toBe(`searches as @${HANDLE}`);
  });

  describe('failures', () => {
    it('reports a 403 on the search with what to check, and keeps the session', async () => {
      bsky.failNext.set('app.bsky.feed.searchPosts', { status: 403, body: '{"error":"Forbidden","message":"Account has been suspended"}' });

      const error = await failure(bskySource().poll(initialSourceState('bsky'), NOW));

      expect(error.details.status).toBe(403);
      expect(error.message).toContain("Bluesky refused the search with this account's session");
      expect(error.message).toContain('(Forbidden: Account has been suspended)');
      expect(bsky.calls('com.atproto.server.refreshSession')).toHaveLength(0);
    });

    it('reports a 401 that a renewed session does not cure, after one refresh', async () => {
      const sessions = createMemorySessions();
      const source = bskySource({ sessions });
      // Every search is refused, the one after the refresh as well.
      const refused = { status: 401, body: '{"error":"AuthMissing","message":"Authentication Required"}' };
      bsky.pds.route('/xrpc/app.bsky.feed.searchPosts', (_req, res) => res.writeHead(refused.status, { 'content-type': 'application/json' }).end(refused.body));

      const error = await failure(source.poll(initialSourceState('bsky'), NOW));

      expect(error.details.status).toBe(401);
      expect(error.message).toContain('(AuthMissing: Authentication Required)');
      expect(bsky.calls('com.atproto.server.refreshSession')).toHaveLength(1);
      expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(1);
    });

    it('passes on the wait of a 429 (RateLimitExceeded) from the search', async () => {
      bsky.failNext.set('app.bsky.feed.searchPosts', { status: 429, body: '{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}', headers: { 'retry-after': '120', 'ratelimit-remaining': '0' } });

      const error = await failure(bskySource().poll(initialSourceState('bsky'), NOW));

      expect(error.details).toMatchObject({ status: 429, retryAfterMs: 120_000 });
      expect(error.message).toContain('(RateLimitExceeded: Rate Limit Exceeded)');
    });

    it('explains a 429 on the login: the account login limit', async () => {
      bsky.failNext.set('com.atproto.server.createSession', { status: 429, body: '{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}', headers: { 'retry-after': '300' } });

      const error = await failure(bskySource().poll(initialSourceState('bsky'), NOW));

      expect(error.details).toMatchObject({ status: 429, retryAfterMs: 300_000 });
      expect(error.message).toContain('Bluesky allows an account 30 logins per 5 minutes and 100–300 a day');
      expect(bsky.calls('app.bsky.feed.searchPosts')).toHaveLength(0);
    });

    it('fails on a search answer that is not JSON, or JSON without "posts"', async () => {
      bsky.failNext.set('app.bsky.feed.searchPosts', { status: 200, body: '{"posts":[{"uri":"at://' });
      const cut = await failure(bskySource().poll(initialSourceState('bsky'), NOW));
      expect(cut.kind).toBe('not-a-feed');
      expect(cut.message).toContain('not JSON from');

      bsky.failNext.set('app.bsky.feed.searchPosts', { status: 200, body: '{"feed":[]}' });
      const other = await failure(bskySource().poll(initialSourceState('bsky'), NOW));
      expect(other.kind).toBe('not-a-feed');
      expect(other.message).toMatch(/unexpected answer from .*app\.bsky\.feed\.searchPosts.*: not a searchPosts answer \(posts: /);
    });

    it('fails on a login answer without tokens, and stores nothing', async () => {
      const sessions = createMemorySessions();
      bsky.failNext.set('com.atproto.server.createSession', { status: 200, body: JSON.stringify({ handle: HANDLE, did: DID }) });

      const error = await failure(bskySource({ sessions }).poll(initialSourceState('bsky'), NOW));

      expect(error.kind).toBe('not-a-feed');
      expect(error.message).toMatch(/^not a Bluesky session from .*com\.atproto\.server\.createSession: accessJwt: /);
      expect(await sessions.getSession(`bluesky:${bsky.entryway.url}:${HANDLE}`)).toBeNull();
    });

    it('reads an empty search as nothing new, and starts from the top next time', async () => {
      bsky.index = [];
      const { posts, poll, state } = await pass(bskySource(), initialSourceState('bsky'), NOW);

      expect(posts).toEqual([]);
      expect(poll.rejected).toBeUndefined();
      expect(JSON.parse(state.cursor!)).toMatchObject({ newest: null, pending: null, recent: [] });
    });
  });
});
