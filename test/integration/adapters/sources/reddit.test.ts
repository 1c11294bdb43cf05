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
} from '../../../../lambdas/adapters/sources/reddit/index.ts';
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

/** The two ways a source reads Reddit: the same listings, as JSON through OAuth or as Atom in public. */
interface Mode {
  name: string;
  credentials: RedditCredentials | undefined;
  /** Fixture file suffix. */
  ext: 'json' | 'xml';
  NEW: string;
  COMMENTS: string;
  SEARCH: string;
}

const OAUTH: Mode = { name: 'OAuth JSON listings', credentials: CREDENTIALS, ext: 'json', NEW: '/r/BoschLegacy/new.json', COMMENTS: '/r/BoschLegacy/comments.json', SEARCH: '/search.json' };
const RSS: Mode = { name: 'public .rss listings', credentials: undefined, ext: 'xml', NEW: '/r/BoschLegacy/new/.rss', COMMENTS: '/r/BoschLegacy/comments/.rss', SEARCH: '/search.rss' };
const { NEW, COMMENTS, SEARCH } = OAUTH;
const TOKEN_PATH = '/api/v1/access_token';

class FakeReddit {
  readonly hits: Hit[] = [];
  private readonly replies = new Map<string, Replier>();
  constructor(private readonly server: TestServer) {
    for (const path of [OAUTH.NEW, OAUTH.COMMENTS, OAUTH.SEARCH, RSS.NEW, RSS.COMMENTS, RSS.SEARCH, TOKEN_PATH]) {
      server.route(path, async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        let body = '';
        for await (const chunk of req) body += String(chunk);
        const hit: Hit = { method: req.method ?? 'GET', path: url.pathname, params: url.searchParams, headers: req.headers, body };
        this.hits.push(hit);
        const replier = this.replies.get(`${url.pathname}?${url.searchParams.get('after') ?? ''}`) ?? this.replies.get(url.pathname);
        const reply = typeof replier === 'function' ? replier(hit) : (replier ?? { status: 500, body: `no reply set for ${req.url}` });
        const type = url.pathname.endsWith('.rss') ? 'application/atom+xml; charset=UTF-8' : 'application/json; charset=UTF-8';
        res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers }).end(reply.body);
      });
    }
    // Credentials get a token unless a test says otherwise.
    this.replies.set(TOKEN_PATH, { body: fixture('token.json') });
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
  firstPassListings(mode: Mode = OAUTH) {
    this.page(mode.NEW, `new-page1.${mode.ext}`);
    this.page(mode.NEW, `new-page2.${mode.ext}`, 't3_1p4x0a6');
    this.page(mode.NEW, `new-page3.${mode.ext}`, 't3_1p4x0a3');
    this.page(mode.COMMENTS, `comments-page1.${mode.ext}`);
    // An Atom listing does not say it ended: the page after the last comment is asked for, and empty.
    this.page(mode.COMMENTS, `empty.${mode.ext}`, 't1_m9k0c01');
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

/** A source reading in `mode`, with a token cache of its own. */
const sourceIn = (mode: Mode, config: Partial<RedditSourceConfig> = {}, options: RedditSourceOptions = {}) =>
  createRedditSource(subreddit(config), fetcher, mode.credentials, { tokens: createRedditTokenCache(), ...options });

const fresh = () => initialSourceState(SOURCE_ID);
const ids = (poll: SourcePoll) => poll.posts.map((p) => p.id);

describe.each([OAUTH, RSS])('reddit source, $name', (mode) => {
  const { NEW, COMMENTS, SEARCH } = mode;
  /** Only the Atom walk asks for the page after a listing's last thing (and finds it empty). */
  const atomEnd = (request: string) => (mode === RSS ? [request] : []);

  it('reads new posts and new comments down to the 30-day horizon as normalised posts', async () => {
    reddit.firstPassListings(mode);
    const { poll } = await pass(sourceIn(mode), fresh(), NOW);

    expect(poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);
    expect(poll.changed).toBe(true);
    expect(poll.rejected).toBeUndefined();
    // Page 3 reached a post older than 30 days (t3_1p4x0a1, 10 October): no page after it is asked for.
    expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a6`, `${NEW} after=t3_1p4x0a3`, COMMENTS, ...atomEnd(`${COMMENTS} after=t1_m9k0c01`)]);
    for (const hit of reddit.hits.filter((h) => h.method === 'GET')) {
      expect(hit.params.get('limit')).toBe('100');
      expect(hit.params.get('raw_json')).toBe(mode === OAUTH ? '1' : null);
      expect(hit.headers.authorization).toBe(mode === OAUTH ? `bearer ${TOKEN}` : undefined);
    }
  });

  it('leaves out deleted and removed posts and comments', async () => {
    reddit.firstPassListings(mode);
    const { poll } = await pass(sourceIn(mode), fresh(), NOW);

    // Removed by a moderator, deleted by its author; a deleted and a removed comment.
    for (const gone of ['t3_1p4x0a7', 't3_1p4x0a6', 't1_m9k0c03', 't1_m9k0c02']) expect(ids(poll)).not.toContain(gone);
    expect(poll.posts.map((p) => p.text)).not.toContain('[deleted]');
    expect(poll.posts.map((p) => p.author)).not.toContain('[deleted]');
  });

  it('a second pass reads from the top down to the newest item seen, and only the new items come back', async () => {
    reddit.firstPassListings(mode);
    const source = sourceIn(mode);
    const first = await pass(source, fresh(), NOW);

    reddit.page(NEW, `new-latest.${mode.ext}`);
    reddit.page(COMMENTS, `comments-latest.${mode.ext}`);
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
    reddit.firstPassListings(mode);
    const source = sourceIn(mode, { include: ['posts'] }, { pagesPerPass: 2 });

    const first = await pass(source, fresh(), NOW);
    expect(first.poll.posts).toEqual([A9, A8, A5, A4, A3]);
    expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a6`]);
    // Where the catch-up stands: the newest post seen, and the walk down the listing to continue.
    expect(JSON.parse(first.state.cursor!)).toEqual({
      v: 1,
      for: 'r/boschlegacy',
      streams: { posts: { newest: 't3_1p4x0a9', pending: { after: 't3_1p4x0a3', stopAt: null } } },
    });

    reddit.page(NEW, `new-latest.${mode.ext}`);
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
    reddit.page(NEW, `new-shifted-page1.${mode.ext}`);
    reddit.page(NEW, `new-shifted-page2.${mode.ext}`, 't3_1p4x0a8');
    reddit.page(NEW, `empty.${mode.ext}`, 't3_1p4x0a5');
    const { poll } = await pass(sourceIn(mode, { include: ['posts'] }), fresh(), NOW);
    expect(poll.posts).toEqual([A9, A8, A5]);
  });

  it('reads a search across Reddit, and a link post shares its key with the article wherever it was seen', async () => {
    reddit.page(SEARCH, `search-page1.${mode.ext}`);
    reddit.page(SEARCH, `empty.${mode.ext}`, 't3_1p4y6k0');
    const source = sourceIn(mode, { subreddit: undefined, search: 'bosch legacy' });
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
    expect(reddit.listingRequests()).toEqual([SEARCH, ...atomEnd(`${SEARCH} after=t3_1p4y6k0`)]);
    const [hit] = reddit.hits.filter((h) => h.method === 'GET');
    expect(hit!.params.get('q')).toBe('bosch legacy');
    expect(hit!.params.get('sort')).toBe('new');
    expect(hit!.params.get('limit')).toBe('100');
  });

  it('stops paging when X-Ratelimit-Remaining runs out, keeps its place, and goes on next pass', async () => {
    reddit.firstPassListings(mode);
    reddit.page(NEW, `new-page1.${mode.ext}`, '', { 'x-ratelimit-used': '100', 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '412' });
    const source = sourceIn(mode);

    const first = await pass(source, fresh(), NOW);
    expect(first.poll.posts).toEqual([A9, A8]);
    // Not page 2, and not the comments either: the window is spent.
    expect(reddit.listingRequests()).toEqual([NEW]);

    reddit.page(NEW, `new-page1.${mode.ext}`, '', { 'x-ratelimit-used': '3', 'x-ratelimit-remaining': '97.0', 'x-ratelimit-reset': '590' });
    reddit.clear();
    const second = await pass(source, first.state, NOW);
    expect(second.poll.posts).toEqual([A5, A4, A3, A2, C4, C1]);
    expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a6`, `${NEW} after=t3_1p4x0a3`, COMMENTS, ...atomEnd(`${COMMENTS} after=t1_m9k0c01`)]);
  });

  it('treats a cursor it cannot read, or one kept for another subreddit, as a first run', async () => {
    reddit.firstPassListings(mode);
    const source = sourceIn(mode);
    for (const cursor of ['{"v":1,"for":"r/boschlegacy","str', '"t3_1p4x0a9"', JSON.stringify({ v: 1, for: 'r/harrybosch', streams: { posts: { newest: 't3_1p4x0b2', pending: null } } })]) {
      reddit.clear();
      const { poll } = await pass(source, { ...fresh(), cursor }, NOW);
      expect(poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);
      expect(reddit.listingRequests()).toEqual([NEW, `${NEW} after=t3_1p4x0a6`, `${NEW} after=t3_1p4x0a3`, COMMENTS, ...atomEnd(`${COMMENTS} after=t1_m9k0c01`)]);
    }
  });

  it('answers an empty listing with no posts, and looks from the top again next pass', async () => {
    reddit.page(NEW, `empty.${mode.ext}`);
    reddit.page(COMMENTS, `empty.${mode.ext}`);
    const source = sourceIn(mode);
    const first = await pass(source, fresh(), NOW);
    expect(first.poll.posts).toEqual([]);

    reddit.firstPassListings(mode);
    reddit.clear();
    const second = await pass(source, first.state, NOW);
    expect(second.poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);
  });

  it('passes a 429 Retry-After on, so the pass defers the source for that long', async () => {
    reddit.reply(NEW, { status: 429, headers: { 'retry-after': '120' }, body: '{"message": "Too Many Requests", "error": 429}' });
    const error = await failure(sourceIn(mode).poll(fresh(), NOW));
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 120_000 });

    const state = afterFailure(fresh(), error, NOW);
    expect(state.retryAfter).toBe('2026-11-20T12:02:00.000Z');
    expect(isDeferred(state, new Date('2026-11-20T12:01:59Z'))).toBe(true);
    expect(isDeferred(state, new Date('2026-11-20T12:02:00Z'))).toBe(false);
  });

  it("sends a User-Agent in Reddit's required form, with this version, on every request", async () => {
    reddit.firstPassListings(mode);
    await sourceIn(mode).poll(fresh(), NOW);

    expect(REDDIT_USER_AGENT).toMatch(/^[a-z]+:[\w.-]+:\d+\.\d+\.\d+ \(by \/u\/[\w-]+\)$/);
    expect(REDDIT_USER_AGENT).toContain(`:${packageVersion} `);
    expect(reddit.tokenRequests()).toHaveLength(mode === OAUTH ? 1 : 0);
    expect(reddit.hits.length).toBe(5);
    for (const hit of reddit.hits) expect(hit.headers['user-agent']).toBe(REDDIT_USER_AGENT);
  });
});

describe('reddit source, JSON answers', () => {
  it('fails as not-a-feed on malformed JSON and on JSON that is not a listing', async () => {
    reddit.page(NEW, 'malformed.json');
    const malformed = await failure(sourceIn(OAUTH).poll(fresh(), NOW));
    expect(malformed.kind).toBe('not-a-feed');
    expect(malformed.message).toMatch(/^not JSON from /);

    // A 200 carrying one of Reddit's error bodies instead of a listing.
    reddit.page(NEW, 'forbidden-private.json');
    const notListing = await failure(sourceIn(OAUTH).poll(fresh(), NOW));
    expect(notListing.kind).toBe('not-a-feed');
    expect(notListing.message).toContain('not a Reddit listing');
  });
});

describe('reddit source, public .rss listings', () => {
  it('says which mode it reads and why, in source health', async () => {
    reddit.firstPassListings(RSS);
    const rss = await pass(sourceIn(RSS), fresh(), NOW);
    expect(rss.poll.detail).toBe(
      'reads the public .rss listings: REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET not set (Reddit approves new OAuth apps since Nov 2025)',
    );
    reddit.firstPassListings(OAUTH);
    const oauth = await pass(sourceIn(OAUTH), fresh(), NOW);
    // The client id's start only: enough to tell apps apart, not the whole id.
    expect(oauth.poll.detail).toBe('reads the OAuth API as app fp-cli…');
    expect(oauth.state.detail).toBe('reads the OAuth API as app fp-cli…');
  });

  it('asks for the top pages conditionally, and a 304 reads as nothing new', async () => {
    // The top pages carry validators; a request that sends them back gets a 304. Deeper pages carry none.
    const tops: [string, string, Record<string, string>][] = [
      [RSS.NEW, 'new-page1.xml', { etag: '"new-v1"', 'last-modified': 'Fri, 20 Nov 2026 11:59:00 GMT' }],
      [RSS.COMMENTS, 'comments-page1.xml', { etag: '"comments-v1"', 'last-modified': 'Fri, 20 Nov 2026 11:58:00 GMT' }],
    ];
    for (const [path, name, headers] of tops) {
      reddit.reply(path, (hit) => (hit.headers['if-none-match'] === headers.etag ? { status: 304, body: '' } : { body: fixture(name), headers }));
    }
    reddit.page(RSS.NEW, 'new-page2.xml', 't3_1p4x0a6');
    reddit.page(RSS.NEW, 'new-page3.xml', 't3_1p4x0a3');
    reddit.page(RSS.COMMENTS, 'empty.xml', 't1_m9k0c01');
    const source = sourceIn(RSS);
    const first = await pass(source, fresh(), NOW);
    expect(first.poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);
    expect(reddit.hits.map((h) => h.headers['if-none-match'] ?? null)).toEqual([null, null, null, null, null]);

    reddit.clear();
    const second = await pass(source, first.state, LATER);
    expect(second.poll).toMatchObject({ changed: false, posts: [] });
    expect(reddit.listingRequests()).toEqual([RSS.NEW, RSS.COMMENTS]);
    expect(reddit.hits.map((h) => [h.headers['if-none-match'], h.headers['if-modified-since']])).toEqual([
      ['"new-v1"', 'Fri, 20 Nov 2026 11:59:00 GMT'],
      ['"comments-v1"', 'Fri, 20 Nov 2026 11:58:00 GMT'],
    ]);
    // Nothing moved: the next pass stops at the same posts and asks with the same validators.
    expect(second.state.cursor).toBe(first.state.cursor);

    // Then something new: a changed top page, read in full.
    reddit.reply(RSS.NEW, { body: fixture('new-latest.xml'), headers: { etag: '"new-v2"' } });
    reddit.reply(RSS.COMMENTS, { body: fixture('comments-latest.xml'), headers: { etag: '"comments-v2"' } });
    reddit.clear();
    const third = await pass(source, second.state, LATER);
    expect(third.poll.posts).toEqual([B2, B1, C6, C5]);
    expect(third.poll.changed).toBe(true);
    expect(JSON.parse(third.state.cursor!).streams.posts.top).toEqual({ etag: '"new-v2"', lastModified: null });
  });

  it('says what to check on 403 (a private subreddit, anonymous access) and 404 (the name)', async () => {
    reddit.reply(RSS.NEW, { status: 403, body: fixture('forbidden-private.json') });
    const forbidden = await failure(sourceIn(RSS).poll(fresh(), NOW));
    expect(forbidden.details.status).toBe(403);
    expect(forbidden.message).toContain('private or quarantined subreddit');
    expect(forbidden.message).toContain('REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET');

    reddit.reply(RSS.NEW, { status: 404, body: fixture('not-found-banned.json') });
    const missing = await failure(sourceIn(RSS).poll(fresh(), NOW));
    expect(missing.details.status).toBe(404);
    expect(missing.message).toContain('check the subreddit name "BoschLegacy"');
  });

  it("fails as not-a-feed, saying why, on Reddit's HTML block page instead of a listing", async () => {
    reddit.reply(RSS.NEW, { body: fixture('blocked.html'), headers: { 'content-type': 'text/html; charset=utf-8' } });
    const blocked = await failure(sourceIn(RSS).poll(fresh(), NOW));
    expect(blocked.kind).toBe('not-a-feed');
    expect(blocked.message).toContain('not a Reddit Atom listing');
    expect(blocked.message).toContain('Reddit blocks many anonymous clients');
  });
});

describe('reddit source, switching between the two modes', () => {
  it('goes on where the other mode stood: the same posts, none of them twice', async () => {
    const tokens = createRedditTokenCache();
    const inMode = (mode: Mode) => createRedditSource(subreddit(), fetcher, mode.credentials, { tokens });

    // Pass 1 without credentials, pass 2 with them (the app was approved), pass 3 without again.
    reddit.firstPassListings(RSS);
    const first = await pass(inMode(RSS), fresh(), NOW);
    expect(first.poll.posts).toEqual([A9, A8, A5, A4, A3, A2, C4, C1]);

    reddit.page(OAUTH.NEW, 'new-latest.json');
    reddit.page(OAUTH.COMMENTS, 'comments-latest.json');
    reddit.clear();
    const second = await pass(inMode(OAUTH), first.state, LATER);
    expect(second.poll.posts).toEqual([B2, B1, C6, C5]);
    expect(reddit.listingRequests()).toEqual([OAUTH.NEW, OAUTH.COMMENTS]);

    reddit.page(RSS.NEW, 'new-latest.xml');
    reddit.page(RSS.COMMENTS, 'comments-latest.xml');
    reddit.clear();
    const third = await pass(inMode(RSS), second.state, new Date('2026-11-20T13:15:00Z'));
    expect(third.poll.posts).toEqual([]);
    expect(reddit.listingRequests()).toEqual([RSS.NEW, RSS.COMMENTS]);
  });

  it('continues an unfinished catch-up in the other mode', async () => {
    reddit.firstPassListings(RSS);
    reddit.firstPassListings(OAUTH);
    const first = await pass(sourceIn(RSS, { include: ['posts'] }, { pagesPerPass: 2 }), fresh(), NOW);
    expect(first.poll.posts).toEqual([A9, A8, A5, A4, A3]);

    reddit.page(OAUTH.NEW, 'new-latest.json');
    reddit.clear();
    const second = await pass(sourceIn(OAUTH, { include: ['posts'] }, { pagesPerPass: 2 }), first.state, LATER);
    expect(second.poll.posts).toEqual([B2, B1, A2]);
    expect(reddit.listingRequests()).toEqual([OAUTH.NEW, `${OAUTH.NEW} after=t3_1p4x0a3`]);
  });
});

describe('reddit source, what it cannot read', () => {
  it('reads a comment without a permalink with a link made from its subreddit, post and id', async () => {
    reddit.page(OAUTH.COMMENTS, 'comments-no-permalink.json');
    const { poll } = await pass(sourceIn(OAUTH, { include: ['comments'] }), fresh(), NOW);
    const link = 'https://www.reddit.com/r/BoschLegacy/comments/1p4x0a9/_/m9k0c08/';
    expect(poll.posts).toEqual([
      {
        sourceId: SOURCE_ID,
        id: 't1_m9k0c08',
        dedupKey: rssKey(link),
        link,
        author: 'crate_and_barrel',
        title: 'Comment on: Sign the petition to save Bosch: Legacy!',
        text: 'Shared it with my book club, they all signed.',
        published: '2026-11-20T11:55:00.000Z',
      },
    ]);
    // The reply has neither a permalink nor its post: counted, with why; the "more" stub is not a comment.
    expect(poll.rejected).toEqual({ count: 1, first: 't1 t1_m9k0c09: data.permalink: no permalink, and no subreddit and link_id to make one from' });
  });

  it('counts the listing things that fail their shape, with the first reason, and reads the rest', async () => {
    reddit.page(OAUTH.NEW, 'new-unreadable.json');
    const json = await pass(sourceIn(OAUTH, { include: ['posts'] }), fresh(), NOW);
    expect(json.poll.posts).toEqual([A9]);
    expect(json.poll.rejected?.count).toBe(2);
    expect(json.poll.rejected?.first).toMatch(/^t3 t3_1p4x0c1: data.created_utc: /);
    expect(json.state.rejected).toBe(2);

    reddit.page(RSS.NEW, 'new-unreadable.xml');
    reddit.page(RSS.NEW, 'empty.xml', 't3_1p4x0a9');
    const rss = await pass(sourceIn(RSS, { include: ['posts'] }), fresh(), NOW);
    expect(rss.poll.posts).toEqual([A9]);
    expect(rss.poll.rejected).toEqual({
      count: 2,
      first: 'entry https://www.reddit.com/r/BoschLegacy/comments/1p4x0c1/: guid: the entry id is not a post or comment fullname (t3_…, t1_…)',
    });
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
    const { poll } = await pass(sourceIn(OAUTH, { include: ['comments'] }), fresh(), NOW);
    expect(poll.posts.map((p) => p.text)).toEqual(['Sign it here: petition & share everywhere Everybody counts season 4 please']);
  });

  it('keeps the words of links, headings, lists and emphasis, and drops their marks', () => {
    expect(markdownToPlainText('# Save it\n\n1. Sign [here](https://change.org/p/x "petition")\n2. ~~Wait~~ **Share** `now`\n\n&#x200B;')).toBe(
      'Save it Sign here Wait Share now',
    );
  });
});
