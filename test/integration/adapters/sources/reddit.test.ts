// The `reddit` source through the real fetcher against a local server that answers in Reddit's
// listing and token shapes (test/fixtures/reddit/, described in its README). Expected posts are
// written out from reading the fixtures; dedup keys are the ones the RSS path gives the same URL,
// because that is the promise: one story, one key, whichever source saw it.

import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../../lambdas/adapters/http-fetcher.ts';
import {
  createRedditSource,
  createRedditTokenCache,
  REDDIT_USER_AGENT,
  redditEndpoints,
  type RedditCredentials,
  type RedditSourceConfig,
  type RedditSourceOptions,
} from '../../../../lambdas/adapters/sources/reddit.ts';
import { markdownToPlainText } from '../../../../lambdas/adapters/sources/api/markdown.ts';
import { readFeed } from '../../../../lambdas/core/normalise.ts';
import type { SourcePoll } from '../../../../lambdas/core/ports.ts';
import { afterFailure, initialSourceState, isDeferred } from '../../../../lambdas/core/source-health.ts';
import type { Post } from '../../../../lambdas/core/types.ts';
import { startTestServer, type TestServer } from '../../../helpers/http-server.ts';
import { failure, pass } from '../../../helpers/source-poll.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/reddit/${name}`, import.meta.url), 'utf8');
const packageVersion = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const NOW = new Date('2026-11-20T12:00:00Z');
const LATER = new Date('2026-11-20T13:00:00Z');
const SOURCE_ID = 'r-boschlegacy';
const CREDENTIALS: RedditCredentials = { clientId: 'fp-client-id', clientSecret: 'fp-s3cret' };
const TOKEN = (JSON.parse(fixture('token.json')) as { access_token: string }).access_token;

// A generic User-Agent, as config.poll.userAgent would be: Reddit requests must replace it.
const fetcher = createHttpFetcher({ timeoutMs: 10_000, maxBytes: 5_000_000, perHostConcurrency: 2, userAgent: 'fanpulse/0.1 (test)' });

/** The key the RSS source gives an item linking to `url`: what a Reddit post about the same page must carry. */
function rssKey(url: string): string {
  const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>x</title><link>${url.replaceAll('&', '&amp;')}</link></item></channel></rss>`;
  return readFeed(xml, 'application/rss+xml', { sourceId: 'tv-news', feedUrl: 'https://news.example/feed.xml' })[0]!.dedupKey;
}

const permalink = (path: string) => `https://www.reddit.com/r/BoschLegacy/comments/${path}`;

function post(fields: Omit<Post, 'sourceId' | 'dedupKey'> & { dedupUrl?: string }): Post {
  const { dedupUrl, ...rest } = fields;
  return { sourceId: SOURCE_ID, ...rest, dedupKey: rssKey(dedupUrl ?? rest.link!) };
}

// The posts the fixtures hold, as the pipeline should see them.
const A9 = post({
  id: 't3_1p4x0a9',
  link: permalink('1p4x0a9/sign_the_petition_to_save_bosch_legacy/'),
  author: 'harry_fan_1950',
  title: 'Sign the petition to save Bosch: Legacy!',
  text: 'Amazon cancelled it after season 3. Please sign and share: change.org petition Everybody counts or nobody counts.',
  published: '2026-11-20T11:30:00.000Z',
});
const A8 = post({
  id: 't3_1p4x0a8',
  link: permalink('1p4x0a8/bosch_legacy_cancelled_at_amazon_freevee_after/'),
  author: 'tv_news_bot',
  title: 'Bosch: Legacy cancelled at Amazon Freevee after three seasons',
  text: '',
  published: '2026-11-20T11:00:00.000Z',
  // The article it links to, as a news feed would list it (no tracking parameters).
  dedupUrl: 'https://deadline.com/2026/11/bosch-legacy-cancelled-amazon-1236100000/',
});
const A5 = post({
  id: 't3_1p4x0a5',
  link: permalink('1p4x0a5/rewatching_season_2_maddies_arc_holds_up/'),
  author: 'echo_park_reader',
  title: "Rewatching season 2: Maddie's arc holds up",
  text: 'Honestly the best written season. Sad it ends here.',
  published: '2026-11-19T20:00:00.000Z',
});
// An image on i.redd.it is Reddit's own: the post keeps its permalink's key.
const A4 = post({
  id: 't3_1p4x0a4',
  link: permalink('1p4x0a4/fan_poster_for_the_campaign/'),
  author: 'poster_maker',
  title: 'Fan poster for the campaign',
  text: '',
  published: '2026-11-15T08:00:00.000Z',
});
const A3 = post({
  id: 't3_1p4x0a3',
  link: permalink('1p4x0a3/any_news_on_the_spinoff/'),
  author: 'lapd_hollywood',
  title: 'Any news on the spin-off?',
  text: 'Heard rumours about a Ballard show & wondering if anyone knows more.',
  published: '2026-11-01T18:30:00.000Z',
});
const A2 = post({
  id: 't3_1p4x0a2',
  link: permalink('1p4x0a2/poll_favourite_bosch_legacy_episode/'),
  author: 'honey_chandler',
  title: 'Poll: favourite Bosch: Legacy episode?',
  text: '',
  published: '2026-10-25T07:15:00.000Z',
});
const B2 = post({
  id: 't3_1p4x0b2',
  link: permalink('1p4x0b2/petition_hit_50k_signatures/'),
  author: 'harry_fan_1950',
  title: 'Petition hit 50k signatures!',
  text: 'Keep signing, we are at 50,000 🎉',
  published: '2026-11-20T12:40:00.000Z',
});
const B1 = post({
  id: 't3_1p4x0b1',
  link: permalink('1p4x0b1/bosch_legacy_fans_rally_behind_petition/'),
  author: 'tv_news_bot',
  title: 'Bosch: Legacy fans rally behind petition',
  text: '',
  published: '2026-11-20T12:10:00.000Z',
  dedupUrl: 'https://www.hollywoodreporter.com/tv/tv-news/bosch-legacy-fans-petition-1236200000/',
});
const C4 = post({
  id: 't1_m9k0c04',
  link: permalink('1p4x0a9/sign_the_petition_to_save_bosch_legacy/m9k0c04/'),
  author: 'lapd_hollywood',
  title: 'Comment on: Sign the petition to save Bosch: Legacy!',
  text: 'Signed! Bring it back, Amazon.',
  published: '2026-11-20T11:45:00.000Z',
});
const C1 = post({
  id: 't1_m9k0c01',
  link: permalink('1p4x0a5/rewatching_season_2_maddies_arc_holds_up/m9k0c01/'),
  author: 'echo_park_reader',
  title: "Comment on: Rewatching season 2: Maddie's arc holds up",
  text: 'Same here, the finale wrecked me.',
  published: '2026-11-19T22:05:00.000Z',
});
const C6 = post({
  id: 't1_m9k0c06',
  link: permalink('1p4x0b2/petition_hit_50k_signatures/m9k0c06/'),
  author: 'honey_chandler',
  title: 'Comment on: Petition hit 50k signatures!',
  text: 'Just signed too. The petition link is in the sidebar now.',
  published: '2026-11-20T12:50:00.000Z',
});
const C5 = post({
  id: 't1_m9k0c05',
  link: permalink('1p4x0a9/sign_the_petition_to_save_bosch_legacy/m9k0c05/'),
  author: 'maddie_b',
  title: 'Comment on: Sign the petition to save Bosch: Legacy!',
  text: 'Bosch: Legacy deserved better than this.',
  published: '2026-11-20T12:30:00.000Z',
});

// --- a local Reddit ---------------------------------------------------------------------------

interface Hit {
  method: string;
  path: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

type Replier = Reply | ((hit: Hit) => Reply);

const NEW = '/r/BoschLegacy/new.json';
const COMMENTS = '/r/BoschLegacy/comments.json';
const SEARCH = '/search.json';
const TOKEN_PATH = '/api/v1/access_token';

class FakeReddit {
  readonly hits: Hit[] = [];
  private readonly replies = new Map<string, Replier>();
  constructor(private readonly server: TestServer) {
    for (const path of [NEW, COMMENTS, SEARCH, TOKEN_PATH]) {
      server.route(path, async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        let body = '';
        for await (const chunk of req) body += String(chunk);
        const hit: Hit = { method: req.method ?? 'GET', path: url.pathname, params: url.searchParams, headers: req.headers, body };
        this.hits.push(hit);
        const replier = this.replies.get(`${url.pathname}?${url.searchParams.get('after') ?? ''}`) ?? this.replies.get(url.pathname);
        const reply = typeof replier === 'function' ? replier(hit) : (replier ?? { status: 500, body: `no reply set for ${req.url}` });
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers }).end(reply.body);
      });
    }
  }

  get url() {
    return this.server.url;
  }

  /** Serves a fixture for one page of a listing: its top, or the page after `after`. */
  page(path: string, name: string, after = '', headers: Record<string, string> = {}) {
    this.replies.set(`${path}?${after}`, { body: fixture(name), headers });
  }

  /** Any request to `path` (every page) gets this reply. */
  reply(path: string, replier: Replier) {
    this.replies.set(path, replier);
  }

  /** The first pass's listings: three pages of new posts, one of comments. */
  firstPassListings() {
    this.page(NEW, 'new-page1.json');
    this.page(NEW, 'new-page2.json', 't3_1p4x0a6');
    this.page(NEW, 'new-page3.json', 't3_1p4x0a3');
    this.page(COMMENTS, 'comments-page1.json');
  }

  /** Listing requests in order, as "path" or "path after=<fullname>". */
  listingRequests(): string[] {
    return this.hits.filter((h) => h.method === 'GET').map((h) => (h.params.has('after') ? `${h.path} after=${h.params.get('after')}` : h.path));
  }

  tokenRequests(): Hit[] {
    return this.hits.filter((h) => h.path === TOKEN_PATH);
  }

  clear() {
    this.hits.length = 0;
  }
}

let reddit: FakeReddit;
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
  reddit = new FakeReddit(server);
});

afterEach(async () => {
  await server.close();
});

const subreddit = (overrides: Partial<RedditSourceConfig> = {}): RedditSourceConfig => ({
  id: SOURCE_ID,
  subreddit: 'BoschLegacy',
  include: ['posts', 'comments'],
  baseUrl: reddit.url,
  ...overrides,
});



const fresh = () => initialSourceState(SOURCE_ID);
const ids = (poll: SourcePoll) => poll.posts.map((p) => p.id);

describe('reddit source, public listings', () => {
  it('reads new posts and new comments down to the 30-day horizon as normalised posts', async () => {
    reddit.firstPassListings();
    const { poll } = await pass(createRedditSource(subreddit(), fetcher), fresh(), NOW);

    expect(poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);
    expect(poll.changed).toBe(true);
    // Page 3 reached a post older than 30 days (t3_1p4x0a1, 10 October): no page after it is asked for.
    expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a6`, `${NEW} after=t3_1p4x0a3`, COMMENTS]);
    for (const hit of reddit.hits) {
      expect(hit.params.get('limit')).toBe('100');
      expect(hit.params.get('raw_json')).toBe('1');
      expect(hit.headers.authorization).toBeUndefined();
    }
  });

  it('leaves out deleted and removed posts and comments', async () => {
    reddit.firstPassListings();
    const { poll } = await pass(createRedditSource(subreddit(), fetcher), fresh(), NOW);

    // Removed by a moderator, deleted by its author; a deleted and a removed comment.
    for (const gone of ['t3_1p4x0a7', 't3_1p4x0a6', 't1_m9k0c03', 't1_m9k0c02']) expect(ids(poll)).not.toContain(gone);
    expect(poll.posts.map((p) => p.text)).not.toContain('[deleted]');
    expect(poll.posts.map((p) => p.author)).not.toContain('[deleted]');
  });

  it('a second pass reads from the top down to the newest item seen, and only the new items come back', async () => {
    reddit.firstPassListings();
    const source = createRedditSource(subreddit(), fetcher);
    const first = await pass(source, fresh(), NOW);

    reddit.page(NEW, 'new-latest.json');
    reddit.page(COMMENTS, 'comments-latest.json');
    reddit.clear();
    const second = await pass(source, first.state, LATER);

    expect(second.poll.posts).toEqual([B2, B1, C6, C5]);
    // One page each: both tops reach what the first pass saw (t3_1p4x0a9, t1_m9k0c04).
    expect(reddit.listingRequests()).toEqual([NEW, COMMENTS]);

    reddit.clear();
    const third = await pass(source, second.state, new Date('2026-11-20T13:15:00Z'));
    expect(third.poll.posts).toEqual([]);
    expect(reddit.listingRequests()).toEqual([NEW, COMMENTS]);
  });

  it('catches up over several passes, a bounded number of pages each, reading what is new first', async () => {
    reddit.firstPassListings();
    const source = createRedditSource(subreddit({ include: ['posts'] }), fetcher, undefined, { pagesPerPass: 2 });

    const first = await pass(source, fresh(), NOW);
    expect(first.poll.posts).toEqual([A9, A8, A5, A4, A3]);
    expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a6`]);
    // Where the catch-up stands: the newest post seen, and the walk down the listing to continue.
    expect(JSON.parse(first.state.cursor!)).toEqual({
      v: 1,
      for: 'r/boschlegacy',
      streams: { posts: { newest: 't3_1p4x0a9', pending: { after: 't3_1p4x0a3', stopAt: null } } },
    });

    reddit.page(NEW, 'new-latest.json');
    reddit.clear();
    const second = await pass(source, first.state, LATER);
    // The new posts from the top, then the rest of the catch-up (down to the horizon).
    expect(second.poll.posts).toEqual([B2, B1, A2]);
    expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a3`]);
    expect(JSON.parse(second.state.cursor!)).toEqual({ v: 1, for: 'r/boschlegacy', streams: { posts: { newest: 't3_1p4x0b2', pending: null } } });

    reddit.clear();
    const third = await pass(source, second.state, new Date('2026-11-20T13:15:00Z'));
    expect(third.poll.posts).toEqual([]);
    expect(reddit.listingRequests()).toEqual([NEW]);
  });

  it('counts an item once when the listing shifts between two page requests', async () => {
    // A post arrived between the two requests, so page 2 starts with page 1's last post again.
    reddit.page(NEW, 'new-shifted-page1.json');
    reddit.page(NEW, 'new-shifted-page2.json', 't3_1p4x0a8');
    const { poll } = await pass(createRedditSource(subreddit({ include: ['posts'] }), fetcher), fresh(), NOW);
    expect(poll.posts).toEqual([A9, A8, A5]);
  });

  it('reads a search across Reddit, and a link post shares its key with the article wherever it was seen', async () => {
    reddit.page(SEARCH, 'search-page1.json');
    const source = createRedditSource({ id: SOURCE_ID, search: 'bosch legacy', include: ['posts', 'comments'], baseUrl: reddit.url }, fetcher);
    const { poll } = await pass(source, fresh(), NOW);

    expect(poll.posts).toEqual([
      {
        sourceId: SOURCE_ID,
        id: 't3_1p4y7z2',
        // Linked over http and without the trailing slash: still the same article as the subreddit's post.
        dedupKey: A8.dedupKey,
        link: 'https://www.reddit.com/r/television/comments/1p4y7z2/bosch_legacy_cancelled_after_three_seasons/',
        author: 'cordcutter_news',
        title: 'Bosch: Legacy cancelled after three seasons',
        text: '',
        published: '2026-11-20T11:10:00.000Z',
      },
      {
        sourceId: SOURCE_ID,
        id: 't3_1p4y6k0',
        dedupKey: rssKey('https://www.reddit.com/r/harrybosch/comments/1p4y6k0/where_to_stream_bosch_and_bosch_legacy/'),
        link: 'https://www.reddit.com/r/harrybosch/comments/1p4y6k0/where_to_stream_bosch_and_bosch_legacy/',
        author: 'new_viewer_22',
        title: 'Where to stream Bosch and Bosch: Legacy?',
        text: 'Just finished The Lincoln Lawyer, want to start Bosch.',
        published: '2026-11-18T21:00:00.000Z',
      },
    ]);
    // Search has no comment listing: `include` does not apply.
    expect(reddit.listingRequests()).toEqual([SEARCH]);
    const [hit] = reddit.hits;
    expect(hit!.params.get('q')).toBe('bosch legacy');
    expect(hit!.params.get('sort')).toBe('new');
    expect(hit!.params.get('limit')).toBe('100');
  });

  it('stops paging when X-Ratelimit-Remaining runs out, keeps its place, and goes on next pass', async () => {
    reddit.firstPassListings();
    reddit.page(NEW, 'new-page1.json', '', { 'x-ratelimit-used': '100', 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '412' });
    const source = createRedditSource(subreddit(), fetcher);

    const first = await pass(source, fresh(), NOW);
    expect(first.poll.posts).toEqual([A9, A8]);
    // Not page 2, and not the comments either: the window is spent.
    expect(reddit.listingRequests()).toEqual([NEW]);

    reddit.page(NEW, 'new-page1.json', '', { 'x-ratelimit-used': '3', 'x-ratelimit-remaining': '97.0', 'x-ratelimit-reset': '590' });
    reddit.clear();
    const second = await pass(source, first.state, NOW);
    expect(second.poll.posts).toEqual([A5, A4, A3, A2, C4, C1]);
    expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a6`, `${NEW} after=t3_1p4x0a3`, COMMENTS]);
  });

  it('treats a cursor it cannot read, or one kept for another subreddit, as a first run', async () => {
    reddit.firstPassListings();
    const source = createRedditSource(subreddit(), fetcher);
    for (const cursor of ['{"v":1,"for":"r/boschlegacy","str', '"t3_1p4x0a9"', JSON.stringify({ v: 1, for: 'r/harrybosch', streams: { posts: { newest: 't3_1p4x0b2', pending: null } } })]) {
      reddit.clear();
      const { poll } = await pass(source, { ...fresh(), cursor }, NOW);
      expect(poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);
      expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a6`, `${NEW} after=t3_1p4x0a3`, COMMENTS]);
    }
  });

  it('answers an empty listing with no posts, and looks from the top again next pass', async () => {
    reddit.page(NEW, 'empty.json');
    reddit.page(COMMENTS, 'empty.json');
    const source = createRedditSource(subreddit(), fetcher);
    const first = await pass(source, fresh(), NOW);
    expect(first.poll.posts).toEqual([]);

    reddit.firstPassListings();
    reddit.clear();
    const second = await pass(source, first.state, NOW);
    expect(second.poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);
  });

  it('fails as not-a-feed on malformed JSON and on JSON that is not a listing', async () => {
    reddit.page(NEW, 'malformed.json');
    const malformed = await failure(createRedditSource(subreddit(), fetcher).poll(fresh(), NOW));
    expect(malformed.kind).toBe('not-a-feed');
    expect(malformed.message).toMatch(/^not JSON from /);

    // A 200 carrying one of Reddit's error bodies instead of a listing.
    reddit.page(NEW, 'forbidden-private.json');
    const notListing = await failure(createRedditSource(subreddit(), fetcher).poll(fresh(), NOW));
    expect(notListing.kind).toBe('not-a-feed');
    expect(notListing.message).toContain('not a Reddit listing');
  });

  it('passes a 429 Retry-After on, so the pass defers the source for that long', async () => {
    reddit.reply(NEW, { status: 429, headers: { 'retry-after': '120' }, body: '{"message": "Too Many Requests", "error": 429}' });
    const error = await failure(createRedditSource(subreddit(), fetcher).poll(fresh(), NOW));
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 120_000 });

    const state = afterFailure(fresh(), error, NOW);
    expect(state.retryAfter).toBe('2026-11-20T12:02:00.000Z');
    expect(isDeferred(state, new Date('2026-11-20T12:01:59Z'))).toBe(true);
    expect(isDeferred(state, new Date('2026-11-20T12:02:00Z'))).toBe(false);
  });

  it('says what to check on 403 (a private subreddit, anonymous access) and 404 (the name)', async () => {
    reddit.reply(NEW, { status: 403, body: fixture('forbidden-private.json') });
    const forbidden = await failure(createRedditSource(subreddit(), fetcher).poll(fresh(), NOW));
    expect(forbidden.details.status).toBe(403);
    expect(forbidden.message).toContain('private or quarantined subreddit');
    expect(forbidden.message).toContain('REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET');

    reddit.reply(NEW, { status: 404, body: fixture('not-found-banned.json') });
    const missing = await failure(createRedditSource(subreddit(), fetcher).poll(fresh(), NOW));
    expect(missing.details.status).toBe(404);
    expect(missing.message).toContain('check the subreddit name "BoschLegacy"');
  });

  it("sends a User-Agent in Reddit's required form, with this version, on every request", async () => {
    reddit.firstPassListings();
    reddit.reply(TOKEN_PATH, { body: fixture('token.json') });
    await createRedditSource(subreddit(), fetcher).poll(fresh(), NOW);
    await createRedditSource(subreddit(), fetcher, CREDENTIALS, { tokens: createRedditTokenCache() }).poll(fresh(), NOW);

    expect(REDDIT_USER_AGENT).toMatch(/^[a-z]+:[\w.-]+:\d+\.\d+\.\d+ \(by \/u\/[\w-]+\)$/);
    expect(REDDIT_USER_AGENT).toContain(`:${packageVersion} `);
    expect(reddit.tokenRequests()).toHaveLength(1);
    expect(reddit.hits.length).toBe(9);
    for (const hit of reddit.hits) expect(hit.headers['user-agent']).toBe(REDDIT_USER_AGENT);
  });
});

describe('reddit source, OAuth app-only', () => {
  const withToken = (options: RedditSourceOptions = {}, config: Partial<RedditSourceConfig> = {}) =>
    createRedditSource(subreddit(config), fetcher, CREDENTIALS, { tokens: createRedditTokenCache(), ...options });

  /** Listings that answer only a bearer token in `accepted`, and a token endpoint handing out `issued` in turn. */
  function oauthReddit(accepted: Set<string>, issued: string[]) {
    let next = 0;
    reddit.reply(TOKEN_PATH, () => {
      const token = { ...(JSON.parse(fixture('token.json')) as object), access_token: issued[Math.min(next++, issued.length - 1)] };
      return { body: JSON.stringify(token) };
    });
    for (const path of [NEW, COMMENTS]) {
      const listings = new Map([
        ['', path === NEW ? 'new-page1.json' : 'comments-page1.json'],
        ['t3_1p4x0a6', 'new-page2.json'],
        ['t3_1p4x0a3', 'new-page3.json'],
      ]);
      reddit.reply(path, (hit) => {
        const bearer = /^bearer (.+)$/.exec(hit.headers.authorization ?? '')?.[1];
        if (!bearer || !accepted.has(bearer)) return { status: 401, body: fixture('unauthorized.json') };
        return { body: fixture(listings.get(hit.params.get('after') ?? '')!) };
      });
    }
  }

  it('gets a token with basic auth, reads with the bearer token, and keeps the token for later passes', async () => {
    oauthReddit(new Set([TOKEN]), [TOKEN]);
    const source = withToken();
    const first = await pass(source, fresh(), NOW);
    expect(first.poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);

    const [tokenRequest, ...rest] = reddit.hits;
    expect(tokenRequest).toMatchObject({ method: 'POST', path: TOKEN_PATH, body: 'grant_type=client_credentials' });
    expect(tokenRequest!.headers.authorization).toBe(`Basic ${Buffer.from('fp-client-id:fp-s3cret').toString('base64')}`);
    expect(tokenRequest!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(rest.map((hit) => hit.headers.authorization)).toEqual(Array(4).fill(`bearer ${TOKEN}`));

    await pass(source, first.state, LATER);
    expect(reddit.tokenRequests()).toHaveLength(1);
  });

  it('shares one token among the reddit sources of a process', async () => {
    oauthReddit(new Set([TOKEN]), [TOKEN]);
    reddit.page(SEARCH, 'search-page1.json');
    const tokens = createRedditTokenCache();
    const a = createRedditSource(subreddit(), fetcher, CREDENTIALS, { tokens });
    const b = createRedditSource({ id: 'reddit-search', search: 'bosch legacy', include: ['posts'], baseUrl: reddit.url }, fetcher, CREDENTIALS, { tokens });
    await Promise.all([a.poll(fresh(), NOW), b.poll(initialSourceState('reddit-search'), NOW)]);
    expect(reddit.tokenRequests()).toHaveLength(1);
  });

  it('gets a new token once the old one expires (expires_in 86400 s)', async () => {
    oauthReddit(new Set([TOKEN, 'second-token']), [TOKEN, 'second-token']);
    const source = withToken();
    const first = await pass(source, fresh(), NOW);
    await pass(source, first.state, new Date('2026-11-21T11:00:00Z'));
    expect(reddit.tokenRequests()).toHaveLength(1);

    reddit.clear();
    await pass(source, first.state, new Date('2026-11-21T12:00:00Z'));
    expect(reddit.tokenRequests()).toHaveLength(1);
    // The top of each listing, read with the new token.
    expect(reddit.hits.filter((h) => h.method === 'GET').map((h) => h.headers.authorization)).toEqual(Array(2).fill('bearer second-token'));
  });

  it('on a 401 gets a new token once and retries the request', async () => {
    // The first token is revoked: the listings no longer accept it.
    oauthReddit(new Set(['second-token']), [TOKEN, 'second-token']);
    const { poll } = await pass(withToken(), fresh(), NOW);
    expect(poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);
    expect(reddit.tokenRequests()).toHaveLength(2);
    expect(reddit.hits.map((h) => `${h.method} ${h.path} ${h.headers.authorization?.split(' ')[0] ?? ''}`).slice(0, 4)).toEqual([
      `POST ${TOKEN_PATH} Basic`,
      `GET ${NEW} bearer`,
      `POST ${TOKEN_PATH} Basic`,
      `GET ${NEW} bearer`,
    ]);
  });

  it('fails with what to check when every token is refused, without asking again and again', async () => {
    oauthReddit(new Set(), [TOKEN, 'second-token', 'third-token']);
    const error = await failure(withToken().poll(fresh(), NOW));
    expect(error.details.status).toBe(401);
    expect(error.message).toContain('check REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET');
    expect(reddit.tokenRequests()).toHaveLength(2);
    expect(reddit.listingRequests()).toEqual([NEW, NEW]);
  });

  it('says which credentials to check when the token endpoint refuses them', async () => {
    reddit.firstPassListings();
    reddit.reply(TOKEN_PATH, { status: 401, body: fixture('unauthorized.json') });
    const refused = await failure(withToken().poll(fresh(), NOW));
    expect(refused.details.status).toBe(401);
    expect(refused.message).toContain('check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET');

    // Reddit also refuses with a 200 and an error instead of a token.
    reddit.reply(TOKEN_PATH, { body: fixture('token-unsupported-grant.json') });
    const noToken = await failure(withToken().poll(fresh(), NOW));
    expect(noToken.message).toContain('error "unsupported_grant_type"');
    expect(noToken.message).toContain('check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET');
    expect(reddit.listingRequests()).toEqual([]);
  });
});

describe('redditEndpoints', () => {
  it('reads the public listings without credentials, and oauth.reddit.com with a token from www.reddit.com with them', () => {
    expect(redditEndpoints(undefined, undefined)).toEqual({ api: 'https://www.reddit.com', token: null });
    expect(redditEndpoints(undefined, CREDENTIALS)).toEqual({ api: 'https://oauth.reddit.com', token: 'https://www.reddit.com/api/v1/access_token' });
  });

  it('lets baseUrl replace every Reddit host', () => {
    expect(redditEndpoints('http://127.0.0.1:8080/', undefined)).toEqual({ api: 'http://127.0.0.1:8080', token: null });
    expect(redditEndpoints('http://127.0.0.1:8080', CREDENTIALS)).toEqual({ api: 'http://127.0.0.1:8080', token: 'http://127.0.0.1:8080/api/v1/access_token' });
  });
});

describe('markdownToPlainText', () => {
  it('reads a comment from a mirror that sends markdown only, escaped as without raw_json', async () => {
    reddit.page(COMMENTS, 'comments-mirror.json');
    const { poll } = await pass(createRedditSource(subreddit({ include: ['comments'] }), fetcher), fresh(), NOW);
    expect(poll.posts.map((p) => p.text)).toEqual(['Sign it here: petition & share everywhere Everybody counts season 4 please']);
  });

  it('keeps the words of links, headings, lists and emphasis, and drops their marks', () => {
    expect(markdownToPlainText('# Save it\n\n1. Sign [here](https://change.org/p/x "petition")\n2. ~~Wait~~ **Share** `now`\n\n&#x200B;')).toBe(
      'Save it Sign here Wait Share now',
    );
  });
});
