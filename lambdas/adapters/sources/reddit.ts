// The `reddit` source type: a subreddit's new posts and new comments (/r/{sub}/new.json,
// /r/{sub}/comments.json), or a search across Reddit (/search.json?sort=new), read from Reddit's
// JSON listings. With REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET it reads through the OAuth API
// (oauth.reddit.com with an app-only bearer token); without them, the public www.reddit.com listings.
//
// Listings are newest first and page towards older items with `after` (a fullname). Fullnames grow
// with time within a kind (t3 posts, t1 comments), so each listing's cursor is the newest fullname
// seen: a later pass reads from the top down to it and stops. A first run walks down to the 30-day
// catch-up horizon, at most `pagesPerPass` pages per listing per pass; an unfinished walk is kept in
// the cursor (`pending`) and continued on the next pass, after that pass has read what is new.

import { Buffer } from 'node:buffer';
import { z } from 'zod';
import type { SourceOf } from '../../config/schema.ts';
import { absoluteHttpUrl } from '../../core/canonical-link.ts';
import { FetchError } from '../../core/errors.ts';
import { collapseWhitespace, dedupKeyFor, htmlToPlainText } from '../../core/normalise.ts';
import { CATCH_UP_DAYS } from '../../core/place.ts';
import type { Fetcher, FetchRequest, Source } from '../../core/ports.ts';
import { DAY_MS } from '../../core/time.ts';
import type { Post } from '../../core/types.ts';
import { readCursor } from './api/shape.ts';
import { markdownToPlainText } from './api/markdown.ts';
import { getJson, type AccessHints, type ApiAnswer } from './api/json.ts';
import { rateLimitSpent } from './api/rate-limit.ts';

/**
 * Reddit's required form, `<platform>:<app id>:<version> (by /u/<username>)`: default and generic
 * User-Agents are throttled hard or blocked. Keep the version in step with package.json.
 */
export const REDDIT_USER_AGENT = 'nodejs:fanpulse:0.1.0 (by /u/fanpulse-bot)';

/** Links always point at Reddit itself, whichever host (public, OAuth, a mirror) was read. */
const SITE = 'https://www.reddit.com';
const PUBLIC_API = 'https://www.reddit.com';
const OAUTH_API = 'https://oauth.reddit.com';
const TOKEN_PATH = '/api/v1/access_token';
/** The most a listing page holds. */
const PAGE_SIZE = 100;
/** Pages read per listing per pass unless the source is told otherwise. */
export const REDDIT_PAGES_PER_PASS = 10;
/** A token this close to expiry is replaced before use rather than risk a 401 mid-pass. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Reddit's documented token lifetime, for an answer that leaves `expires_in` out. */
const DEFAULT_TOKEN_SECONDS = 3600;

export type RedditSourceConfig = Pick<SourceOf<'reddit'>, 'id' | 'subreddit' | 'search' | 'include' | 'baseUrl'>;

export interface RedditCredentials {
  clientId: string;
  clientSecret: string;
}

interface AppToken {
  accessToken: string;
  expiresAtMs: number;
}

/** App-only tokens by token endpoint and client id: every reddit source of a process shares one. */
export type RedditTokenCache = Map<string, Promise<AppToken>>;
export const createRedditTokenCache = (): RedditTokenCache => new Map();
const processTokens = createRedditTokenCache();

export interface RedditSourceOptions {
  /** Pages read per listing per pass (a page holds up to 100 items). @default 10 */
  pagesPerPass?: number;
  /** Where app-only tokens are kept. @default one cache for the whole process */
  tokens?: RedditTokenCache;
}

export interface RedditEndpoints {
  /** Where listings are read. */
  api: string;
  /** Where app-only tokens come from; null in public mode. */
  token: string | null;
}

/** `baseUrl` replaces every Reddit host (listings and the token endpoint): a mirror, or a test server. */
export function redditEndpoints(baseUrl: string | undefined, credentials: RedditCredentials | undefined): RedditEndpoints {
  const base = baseUrl?.replace(/\/+$/, '');
  if (!credentials) return { api: base ?? PUBLIC_API, token: null };
  return { api: base ?? OAUTH_API, token: `${base ?? PUBLIC_API}${TOKEN_PATH}` };
}

type Stream = 'posts' | 'comments' | 'search';

// The listing as Reddit sends it (https://github.com/reddit-archive/reddit/wiki/JSON): a Listing
// of things, each `{kind, data}`; t3 is a post ("link"), t1 a comment. Unknown fields are ignored.
const listingSchema = z.object({
  kind: z.literal('Listing'),
  data: z.object({
    after: z.string().nullish(),
    children: z.array(z.object({ kind: z.string(), data: z.record(z.string(), z.unknown()) })),
  }),
});

const thingFields = {
  name: z.string().regex(/^t[13]_[0-9a-z]+$/),
  permalink: z.string(),
  created_utc: z.number(),
  author: z.string().nullish(),
  removed_by_category: z.string().nullish(),
};

const linkSchema = z.object({
  ...thingFields,
  title: z.string().default(''),
  selftext: z.string().nullish(),
  selftext_html: z.string().nullish(),
  url: z.string().nullish(),
  is_self: z.boolean().nullish(),
});

const commentSchema = z.object({
  ...thingFields,
  body: z.string().nullish(),
  body_html: z.string().nullish(),
  link_title: z.string().nullish(),
});

type RedditLink = z.output<typeof linkSchema>;
type RedditComment = z.output<typeof commentSchema>;
type Thing = { kind: 't3'; data: RedditLink } | { kind: 't1'; data: RedditComment };

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().default(DEFAULT_TOKEN_SECONDS),
});

// The cursor (SourceState.cursor), JSON: per listing, the newest fullname seen and an unfinished
// walk down the listing (continue with `after`; stop at `stopAt` or the horizon; null = no stop).
const walkSchema = z.object({ after: z.string().nullable(), stopAt: z.string().nullable() });
const streamCursorSchema = z.object({ newest: z.string().nullable(), pending: walkSchema.nullable() });
const cursorSchema = z.object({
  v: z.literal(1),
  /** What the cursor is for: a changed subreddit or query starts over. */
  for: z.string(),
  streams: z.object({
    posts: streamCursorSchema.optional(),
    comments: streamCursorSchema.optional(),
    search: streamCursorSchema.optional(),
  }),
});

type Walk = z.output<typeof walkSchema>;
type StreamCursor = z.output<typeof streamCursorSchema>;
type RedditCursor = z.output<typeof cursorSchema>;

const FRESH: StreamCursor = { newest: null, pending: null };

export function createRedditSource(
  config: RedditSourceConfig,
  fetcher: Fetcher,
  credentials?: RedditCredentials,
  options: RedditSourceOptions = {},
): Source {
  const endpoints = redditEndpoints(config.baseUrl, credentials);
  const pagesPerPass = options.pagesPerPass ?? REDDIT_PAGES_PER_PASS;
  const tokens = options.tokens ?? processTokens;
  const target = config.search !== undefined ? `search:${config.search}` : `r/${(config.subreddit ?? '').toLowerCase()}`;
  const streams: Stream[] = config.search !== undefined ? ['search'] : (['posts', 'comments'] as const).filter((s) => config.include.includes(s));
  const hints = accessHints(config, credentials !== undefined);

  function listingUrl(stream: Stream, after: string | null): string {
    const path = stream === 'search' ? '/search.json' : `/r/${config.subreddit}/${stream === 'posts' ? 'new' : 'comments'}.json`;
    const params = new URLSearchParams();
    if (stream === 'search') {
      params.set('q', config.search ?? '');
      params.set('sort', 'new');
    }
    params.set('limit', String(PAGE_SIZE));
    // Without raw_json=1 Reddit HTML-escapes <, > and & in every string (titles, *_html, URLs).
    params.set('raw_json', '1');
    if (after !== null) params.set('after', after);
    return `${endpoints.api}${path}?${params}`;
  }

  async function appToken(nowMs: number, rejected?: string): Promise<AppToken> {
    if (!credentials || !endpoints.token) throw new Error('appToken needs credentials');
    const key = `${endpoints.token}\n${credentials.clientId}`;
    const cached = tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => null);
      if (token && token.accessToken !== rejected && token.expiresAtMs - TOKEN_REFRESH_MARGIN_MS > nowMs) return token;
      // Another source of this pass may already be fetching the replacement: share it.
      const current = tokens.get(key);
      if (current && current !== cached) return current;
    }
    const request = requestToken(endpoints.token, credentials, nowMs);
    tokens.set(key, request);
    // A failed request is not remembered: the next poll asks again.
    request.catch(() => {
      if (tokens.get(key) === request) tokens.delete(key);
    });
    return request;
  }

  async function requestToken(url: string, { clientId, clientSecret }: RedditCredentials, nowMs: number): Promise<AppToken> {
    const request: FetchRequest = {
      url,
      form: { grant_type: 'client_credentials' },
      headers: {
        'User-Agent': REDDIT_USER_AGENT,
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
    };
    const answer = await getJson(fetcher, request, TOKEN_HINTS);
    const token = tokenSchema.safeParse(answer.data);
    if (!token.success) {
      // Reddit answers some refusals with a 200 and {"error": "..."}.
      const error = (answer.data as { error?: unknown } | null)?.error;
      const said = typeof error === 'string' || typeof error === 'number' ? ` (error "${error}")` : '';
      throw new FetchError('http-status', `no access token from ${answer.url}${said}: ${TOKEN_HINTS.unauthorized}`, { url: answer.url });
    }
    return { accessToken: token.data.access_token, expiresAtMs: nowMs + token.data.expires_in * 1000 };
  }

  async function readListing(url: string, nowMs: number): Promise<ApiAnswer> {
    const headers = { 'User-Agent': REDDIT_USER_AGENT };
    if (!credentials) return getJson(fetcher, { url, headers }, hints);
    let token = await appToken(nowMs);
    try {
      return await getJson(fetcher, { url, headers: { ...headers, Authorization: `bearer ${token.accessToken}` } }, hints);
    } catch (error) {
      if (!(error instanceof FetchError) || error.details.status !== 401) throw error;
      // Revoked, or expired sooner than announced: one new token and one retry, never a loop.
      token = await appToken(nowMs, token.accessToken);
      return getJson(fetcher, { url, headers: { ...headers, Authorization: `bearer ${token.accessToken}` } }, hints);
    }
  }

  return {
    id: config.id,
    async poll(state, now) {
      const nowMs = now.getTime();
      const horizonMs = nowMs - CATCH_UP_DAYS * DAY_MS;
      const previous = parseCursor(state.cursor, target);
      const posts = new Map<string, Post>();
      // Set once an answer says the rate-limit window is spent: no further request this pass.
      let spent = false;

      /** Reads pages from `from` until it reaches `stopAt`, the horizon or the end, or `pages` are read. */
      async function walk(stream: Stream, from: Walk, pages: number) {
        let after = from.after;
        let newest: string | null = null;
        let pagesRead = 0;
        while (pagesRead < pages && !spent) {
          const url = listingUrl(stream, after);
          const answer = await readListing(url, nowMs);
          pagesRead += 1;
          if (rateLimitSpent(answer.headers)) spent = true;
          const page = readPage(answer);
          let finished = page.things.length === 0 || !page.after;
          for (const thing of page.things) {
            const item = thing.data;
            newest = later(newest, item.name);
            if (from.stopAt !== null && compareFullnames(item.name, from.stopAt) <= 0) {
              finished = true;
              continue;
            }
            if (item.created_utc * 1000 < horizonMs) {
              finished = true;
              continue;
            }
            if (isGone(thing)) continue;
            const post = thing.kind === 't3' ? linkPost(thing.data, config.id) : commentPost(thing.data, config.id);
            // A listing that shifts between two page requests repeats an item: it counts once.
            if (!posts.has(post.id)) posts.set(post.id, post);
          }
          if (finished) return { pagesRead, newest, next: null };
          after = page.after ?? null;
        }
        return { pagesRead, newest, next: { after, stopAt: from.stopAt } satisfies Walk };
      }

      async function pollStream(stream: Stream, before: StreamCursor): Promise<StreamCursor> {
        if (spent) return before;
        const head = await walk(stream, { after: null, stopAt: before.newest }, pagesPerPass);
        const newest = later(before.newest, head.newest);
        // More is new than a pass reads: the rest of that gap comes next pass. An older unfinished
        // walk is given up for it: newer items matter more, and Reddit serves only the newest
        // ~1,000 items of a listing, so a deep `after` soon leads nowhere.
        if (head.next) return { newest, pending: head.next };
        const budget = pagesPerPass - head.pagesRead;
        if (!before.pending || budget <= 0 || spent) return { newest, pending: before.pending };
        const rest = await walk(stream, before.pending, budget);
        return { newest, pending: rest.next };
      }

      const cursor: RedditCursor = { v: 1, for: target, streams: {} };
      for (const stream of streams) {
        cursor.streams[stream] = await pollStream(stream, previous?.streams[stream] ?? FRESH);
      }
      return { changed: true, posts: [...posts.values()], etag: null, lastModified: null, cursor: JSON.stringify(cursor) };
    },
  };
}

function parseCursor(raw: string | null, target: string): RedditCursor | null {
  // Unreadable, or kept for another subreddit or query: a first run.
  return readCursor(raw, (value) => {
    const cursor = cursorSchema.safeParse(value);
    return cursor.success && cursor.data.for === target ? cursor.data : null;
  });
}

function readPage(answer: ApiAnswer): { things: Thing[]; after: string | null } {
  const listing = listingSchema.safeParse(answer.data);
  if (!listing.success) {
    throw new FetchError('not-a-feed', `not a Reddit listing from ${answer.url} (expected {"kind": "Listing", "data": {"children": [...]}})`, {
      url: answer.url,
    });
  }
  const things: Thing[] = [];
  for (const child of listing.data.data.children) {
    // Anything else in a listing ("more", subreddits in a search) is not a post or comment.
    if (child.kind === 't3') {
      const link = linkSchema.safeParse(child.data);
      if (link.success) things.push({ kind: 't3', data: link.data });
    } else if (child.kind === 't1') {
      const comment = commentSchema.safeParse(child.data);
      if (comment.success) things.push({ kind: 't1', data: comment.data });
    }
  }
  return { things, after: listing.data.data.after ?? null };
}

/** Base-36 ids of one kind grow with time; same-length strings of [0-9a-z] sort as numbers do. */
function compareFullnames(a: string, b: string): number {
  const x = a.slice(a.indexOf('_') + 1);
  const y = b.slice(b.indexOf('_') + 1);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareFullnames(a, b) >= 0 ? a : b;
}

const GONE = new Set(['[deleted]', '[removed]']);

/** Deleted by its author, removed by moderators or Reddit: not counted (and Reddit's terms say not kept). */
function isGone({ kind, data: item }: Thing): boolean {
  const body = kind === 't1' ? item.body : item.selftext;
  return (
    (item.removed_by_category !== null && item.removed_by_category !== undefined) ||
    GONE.has((item.author ?? '').trim()) ||
    GONE.has((body ?? '').trim())
  );
}

function linkPost(item: RedditLink, sourceId: string): Post {
  const link = absoluteHttpUrl(item.permalink, SITE);
  const text = item.selftext_html ? htmlToPlainText(item.selftext_html) : markdownToPlainText(item.selftext ?? '');
  // A link post shares its article's key, so the story seen here and in a feed counts once per topic.
  const article = item.is_self ? null : externalUrl(item.url);
  return {
    sourceId,
    id: item.name,
    dedupKey: dedupKeyFor(article ?? link, sourceId, item.name),
    link,
    author: authorOf(item),
    title: collapseWhitespace(item.title),
    text,
    published: publishedAt(item.created_utc),
  };
}

function commentPost(item: RedditComment, sourceId: string): Post {
  const link = absoluteHttpUrl(item.permalink, SITE);
  const text = item.body_html ? htmlToPlainText(item.body_html) : markdownToPlainText(item.body ?? '');
  const on = collapseWhitespace(item.link_title ?? '');
  return {
    sourceId,
    id: item.name,
    dedupKey: dedupKeyFor(link, sourceId, item.name),
    link,
    author: authorOf(item),
    title: on ? `Comment on: ${on}` : 'Comment',
    text,
    published: publishedAt(item.created_utc),
  };
}

const REDDIT_HOSTS = /(^|\.)(reddit\.com|redd\.it|redditmedia\.com|redditstatic\.com)$/i;

/** A link post's target when it is off Reddit (an article); images, videos, galleries and crossposts stay on Reddit. */
function externalUrl(url: string | null | undefined): string | null {
  const absolute = absoluteHttpUrl(url, SITE);
  if (!absolute) return null;
  return REDDIT_HOSTS.test(new URL(absolute).hostname) ? null : absolute;
}

function authorOf(item: { author?: string | null }): string | null {
  const author = collapseWhitespace(item.author ?? '');
  return author === '' ? null : author;
}

function publishedAt(createdUtc: number): string | null {
  const date = new Date(createdUtc * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}


const TOKEN_HINTS: AccessHints = {
  unauthorized:
    'Reddit refused the app credentials: check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (the id under the app name and its "secret" at https://www.reddit.com/prefs/apps; the app must be a "script" or "web app")',
  notFound: 'no token endpoint there: with baseUrl set, the token is requested from <baseUrl>/api/v1/access_token',
};

function accessHints(config: RedditSourceConfig, oauth: boolean): AccessHints {
  const what = config.search !== undefined ? `the search "${config.search}"` : `r/${config.subreddit}`;
  const unauthorized = oauth
    ? `Reddit refused access to ${what}: check REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET (https://www.reddit.com/prefs/apps), and that the subreddit is public (private and quarantined subreddits answer 403)`
    : `Reddit refused access to ${what}: a private or quarantined subreddit answers 403, and Reddit blocks many anonymous clients; set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (a Reddit app's id and secret) to read through the OAuth API`;
  const notFound =
    config.search !== undefined
      ? `check baseUrl${config.baseUrl ? ` (${config.baseUrl})` : ''}: the search listing should always exist`
      : `check the subreddit name "${config.subreddit}" (Reddit answers 404 for one that does not exist or was banned)${config.baseUrl ? ` and baseUrl (${config.baseUrl})` : ''}`;
  return { unauthorized, notFound };
}
