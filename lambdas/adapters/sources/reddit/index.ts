// The `reddit` source type: a subreddit's new posts and new comments, or a search across Reddit
// (sort=new). Two ways to read them, chosen by the credentials:
// - with REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET, the JSON listings of the OAuth API (oauth.reddit.com
//   with an app-only bearer token; Reddit approves new OAuth apps since November 2025);
// - without, the public `.rss` (Atom) listings of www.reddit.com, read with a conditional GET.
//
// Both are newest first and page towards older things with `after` (a fullname). Fullnames grow with
// time within a kind (t3 posts, t1 comments), so each listing's cursor is the newest fullname seen and
// the shared newest-first walk (api/walk.ts) reads down to it. The cursor and the posts are the same
// in both modes, so a source whose credentials are added or removed between passes goes on where it
// stood and never counts a post twice.

import { z } from 'zod';
import type { Fetcher, Source } from '../../../core/ports.ts';
import type { Post } from '../../../core/types.ts';
import { cursorPoll, readCursorAs } from '../api/cursor.ts';
import { catchUpHorizonMs } from '../api/horizon.ts';
import { compareIds } from '../api/ids.ts';
import type { AccessHints } from '../api/json.ts';
import { rateLimitSpent } from '../api/rate-limit.ts';
import { createRejectionCounter } from '../api/rejections.ts';
import { FRESH_WALK, pageBudget, pollNewestFirst, type RateWindow, type WalkCursor } from '../api/walk.ts';
import { oauthListingReader } from './json-listing.ts';
import { listingStreams, listingTarget, listingUrl, type ListingReader, type RedditSourceConfig, type Stream, type Validators } from './listing.ts';
import { isGone, toPost, type RedditThing } from './map.ts';
import { appTokens, processTokens, type RedditCredentials, type RedditTokenCache } from './oauth.ts';
import { rssListingReader } from './rss-listing.ts';

export { REDDIT_USER_AGENT, createRedditTokenCache, type RedditCredentials, type RedditTokenCache } from './oauth.ts';
export type { RedditSourceConfig } from './listing.ts';

const PUBLIC_API = 'https://www.reddit.com';
const OAUTH_API = 'https://oauth.reddit.com';
const TOKEN_PATH = '/api/v1/access_token';
/** Pages read per listing per pass unless the source is told otherwise. */
export const REDDIT_PAGES_PER_PASS = 10;

export interface RedditSourceOptions {
  /** Pages read per listing per pass (a page holds up to 100 items). @default 10 */
  pagesPerPass?: number;
  /** Where app-only tokens are kept. @default one cache for the whole process */
  tokens?: RedditTokenCache;
}

export interface RedditEndpoints {
  /** Where listings are read. */
  api: string;
  /** Where app-only tokens come from; null without credentials (public `.rss` listings). */
  token: string | null;
}

/** `baseUrl` replaces every Reddit host (listings and the token endpoint): a mirror, or a test server. */
export function redditEndpoints(baseUrl: string | undefined, credentials: RedditCredentials | undefined): RedditEndpoints {
  const base = baseUrl?.replace(/\/+$/, '');
  if (!credentials) return { api: base ?? PUBLIC_API, token: null };
  return { api: base ?? OAUTH_API, token: `${base ?? PUBLIC_API}${TOKEN_PATH}` };
}

// The cursor (SourceState.cursor), JSON, the same in both modes: per listing, the newest fullname
// seen and an unfinished walk down the listing (continue with `after`; stop at `stopAt` or the
// horizon; null = no stop). `top` keeps the `.rss` top page's validators for a conditional GET.
const pendingSchema = z.object({ after: z.string().nullable(), stopAt: z.string().nullable() });
const validatorsSchema = z.object({ etag: z.string().nullable(), lastModified: z.string().nullable() });
const streamCursorSchema = z.object({ newest: z.string().nullable(), pending: pendingSchema.nullable(), top: validatorsSchema.optional() });
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

type StreamCursor = z.output<typeof streamCursorSchema>;
type RedditCursor = z.output<typeof cursorSchema>;

const walkOf = (stored: StreamCursor | undefined): WalkCursor<string, string> => {
  if (!stored) return FRESH_WALK;
  const { newest, pending } = stored;
  return { newest, pending: pending?.after ? { token: pending.after, stopAt: pending.stopAt } : null };
};

const storedOf = (walk: WalkCursor<string, string>, top: Validators | null): StreamCursor => ({
  newest: walk.newest,
  pending: walk.pending ? { after: walk.pending.token, stopAt: walk.pending.stopAt } : null,
  // Kept only when the server sent any: a server without them makes the same cursor in both modes.
  ...(top && (top.etag !== null || top.lastModified !== null) ? { top } : {}),
});

export function createRedditSource(
  config: RedditSourceConfig,
  fetcher: Fetcher,
  credentials?: RedditCredentials,
  options: RedditSourceOptions = {},
): Source {
  const endpoints = redditEndpoints(config.baseUrl, credentials);
  const pagesPerPass = options.pagesPerPass ?? REDDIT_PAGES_PER_PASS;
  const target = listingTarget(config);
  const streams = listingStreams(config);
  const hints = accessHints(config, credentials !== undefined);
  const detail = credentials
    ? `reads the OAuth API as app ${credentials.clientId.slice(0, 6)}…`
    : 'reads the public .rss listings: REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET not set (Reddit approves new OAuth apps since Nov 2025)';

  return {
    id: config.id,
    async poll(state, now) {
      const nowMs = now.getTime();
      const horizonMs = catchUpHorizonMs(now);
      const rejections = createRejectionCounter();
      const reader: ListingReader =
        credentials && endpoints.token
          ? oauthListingReader(fetcher, appTokens(fetcher, endpoints.token, credentials, options.tokens ?? processTokens), hints, rejections)
          : rssListingReader(fetcher, hints, rejections);
      const previous = readCursorAs(state.cursor, cursorSchema, target);
      const posts = new Map<string, Post>();
      // Set once an answer says the rate-limit window is spent: no further request this pass.
      const window: RateWindow = { spent: false };
      let answered = 0;
      let unchanged = 0;

      async function pollStream(stream: Stream, before: StreamCursor | undefined): Promise<StreamCursor> {
        // Validators are kept for the `.rss` top page only, and only from an `.rss` pass.
        let top = reader.format === 'rss' ? (before?.top ?? null) : null;
        const walk = await pollNewestFirst<RedditThing, string, string>(
          {
            budget: pageBudget(pagesPerPass, window),
            async read(after) {
              const answer = await reader.read(listingUrl(endpoints.api, config, stream, reader.format, after), after === null ? top : null, nowMs);
              if (rateLimitSpent(answer.headers)) window.spent = true;
              if (after === null) top = answer.validators;
              if (!answer.page) {
                // 304: the top page is as it was last pass, so nothing is new there.
                unchanged += 1;
                return { items: [], next: null };
              }
              answered += 1;
              return answer.page;
            },
            mark: (thing) => thing.name,
            compare: compareIds,
            beforeHorizon: (thing) => thing.createdMs < horizonMs,
            take(thing) {
              if (isGone(thing)) return;
              // A listing that shifts between two page requests repeats a thing: it counts once.
              if (!posts.has(thing.name)) posts.set(thing.name, toPost(thing, config.id));
            },
          },
          walkOf(before),
        );
        return storedOf(walk, top);
      }

      const cursor: RedditCursor = { v: 1, for: target, streams: {} };
      for (const stream of streams) {
        cursor.streams[stream] = await pollStream(stream, previous?.streams[stream]);
      }
      return cursorPoll({
        posts: [...posts.values()],
        cursor,
        rejections,
        // Every listing answered 304 and nothing else was read: the source is as it was.
        changed: answered > 0 || unchanged === 0,
        detail,
      });
    },
  };
}

function accessHints(config: RedditSourceConfig, oauth: boolean): AccessHints {
  const what = config.search !== undefined ? `the search "${config.search}"` : `r/${config.subreddit}`;
  const unauthorized = oauth
    ? `Reddit refused access to ${what}: check REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET (https://www.reddit.com/prefs/apps), and that the subreddit is public (private and quarantined subreddits answer 403)`
    : `Reddit refused access to ${what}: a private or quarantined subreddit answers 403, and Reddit blocks many anonymous clients (always from cloud addresses); set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (an approved Reddit app's id and secret) to read through the OAuth API`;
  const notFound =
    config.search !== undefined
      ? `check baseUrl${config.baseUrl ? ` (${config.baseUrl})` : ''}: the search listing should always exist`
      : `check the subreddit name "${config.subreddit}" (Reddit answers 404 for one that does not exist or was banned)${config.baseUrl ? ` and baseUrl (${config.baseUrl})` : ''}`;
  return { unauthorized, notFound };
}
