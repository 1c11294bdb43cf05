// The `bluesky` source type: posts matching a search, read with app.bsky.feed.searchPosts
// (sort=latest, newest first, paged with `cursor`) under an app-password session (session.ts) at the
// account's PDS, which passes the search on to the Bluesky AppView.
//
// The cursor is by time: the newest `indexedAt` read. Each pass walks from the top down to 15 minutes
// before it, because the search index shows a post a while after the network indexed it; the uris read
// in those 15 minutes are kept, so nothing is yielded twice. A first run reads back to the 30-day
// catch-up horizon, at most `pagesPerPass` pages a pass; an unfinished walk is kept in the cursor and
// read on after what is new (api/walk.ts). Every page of one walk asks `until` the time the walk
// began, so posts arriving meanwhile do not shift the pages of an unfinished walk.

import { z } from 'zod';
import type { SourceOf } from '../../../config/schema.ts';
import type { Fetcher, SessionStore, Source } from '../../../core/ports.ts';
import type { Post } from '../../../core/types.ts';
import { requireCredentials, type SourceCredentials } from '../api/credentials.ts';
import { cursorPoll, readCursorAs } from '../api/cursor.ts';
import { catchUpHorizonMs } from '../api/horizon.ts';
import type { AccessHints, ApiAnswer } from '../api/json.ts';
import { createRejectionCounter, firstIssue } from '../api/rejections.ts';
import { unexpectedAnswer } from '../api/shape.ts';
import { FRESH_WALK, pageBudget, pollNewestFirst, type NewestFirstListing } from '../api/walk.ts';
import { blueskyPost, type KnownHandles } from './post.ts';
import { createSessionKeeper, sessionHost, type BlueskySession } from './session.ts';
import { postViewSchema, searchAnswerSchema, type PostView } from './wire.ts';
import { callXrpc, tokenRefused, xrpcUrl } from './xrpc.ts';

export interface BlueskyLimits {
  /** Posts per answer: searchPosts allows 1 to 100. */
  pageSize: number;
  /** Answers per pass. */
  pagesPerPass: number;
}

export const BLUESKY_LIMITS: BlueskyLimits = { pageSize: 100, pagesPerPass: 10 };

export interface BlueskyDeps {
  fetcher: Fetcher;
  credentials: SourceCredentials;
  sessions: SessionStore;
  limits?: Partial<BlueskyLimits>;
}

export const BLUESKY_CREDENTIALS = ['BLUESKY_HANDLE', 'BLUESKY_APP_PASSWORD'] as const;
const HOW = 'a Bluesky handle and an app password made at bsky.app → Settings → Privacy and security → App passwords';

/** How far back each pass re-reads for posts the search index showed late. */
const INDEX_LAG_MS = 15 * 60_000;

// The cursor (SourceState.cursor), JSON: the newest indexedAt read (epoch ms), an unfinished walk
// (the search cursor and the `until` its pages share), and the uris read in the re-read window.
const tokenSchema = z.object({ cursor: z.string(), until: z.string() });
const cursorSchema = z.object({
  v: z.literal(1),
  /** The query and language: a changed one starts over. */
  for: z.string(),
  newest: z.number().nullable(),
  pending: z.object({ token: tokenSchema, stopAt: z.number().nullable() }).nullable(),
  recent: z.array(z.tuple([z.string(), z.number()])),
});

type Token = z.output<typeof tokenSchema>;

/** Where a hit sits in the listing, read even from one that fails the postView schema. */
const placeSchema = postViewSchema.pick({ uri: true, indexedAt: true });

/** A search hit: a post, or one that failed the schema (`problem`) but has its place in the listing. */
interface Hit {
  uri: string;
  indexedAt: number;
  view: PostView | null;
  problem: string | null;
}
type BlueskyCursor = z.output<typeof cursorSchema>;

export function createBlueskySource(config: SourceOf<'bluesky'>, deps: BlueskyDeps): Source {
  const service = config.service.replace(/\/+$/, '');
  const limits = { ...BLUESKY_LIMITS, ...deps.limits };
  const target = JSON.stringify([config.query, config.lang ?? null]);
  const searchHints: AccessHints = {
    unauthorized: `Bluesky refused the search with this account's session: check that BLUESKY_HANDLE's account is active and its app password (${HOW}) is not revoked`,
    notFound: `check "service" (${service}): it must be the account's PDS or https://bsky.social, which serve /xrpc/app.bsky.feed.searchPosts`,
  };

  return {
    id: config.id,
    async poll(state, now) {
      const login = requireCredentials(deps.credentials, BLUESKY_CREDENTIALS, HOW);
      const keeper = createSessionKeeper(deps.fetcher, deps.sessions, {
        service,
        identifier: login.BLUESKY_HANDLE,
        password: login.BLUESKY_APP_PASSWORD,
      });
      const nowMs = now.getTime();
      const horizonMs = catchUpHorizonMs(now);
      const previous: BlueskyCursor | null = readCursorAs(state.cursor, cursorSchema, target);
      const readBefore = new Set(previous?.recent.map(([uri]) => uri));
      const rejections = createRejectionCounter();
      const handles: KnownHandles = new Map();
      const taken = new Map<string, PostView>();
      /** Uris of hits that failed the schema, counted once: not again when the next pass re-reads them. */
      const unreadable = new Map<string, number>();
      /** The session the pass searched with, for health. */
      const used: { session: BlueskySession | null } = { session: null };

      function searchRequest(session: BlueskySession, cursor: string | null, until: string) {
        const params = new URLSearchParams({ q: config.query, sort: 'latest', limit: String(limits.pageSize), until });
        if (config.lang) params.set('lang', config.lang);
        if (cursor !== null) params.set('cursor', cursor);
        const url = xrpcUrl(sessionHost(session, service), 'app.bsky.feed.searchPosts', params);
        return { url, headers: { Authorization: `Bearer ${session.accessJwt}` } };
      }

      async function search(cursor: string | null, until: string): Promise<ApiAnswer> {
        let session = await keeper.session(nowMs);
        used.session = session;
        try {
          return await callXrpc(deps.fetcher, searchRequest(session, cursor, until), searchHints);
        } catch (error) {
          if (!tokenRefused(error)) throw error;
          // Expired sooner than its `exp` said, or revoked: one renewal and one retry, never a loop.
          session = await keeper.session(nowMs, session.accessJwt);
          used.session = session;
          return callXrpc(deps.fetcher, searchRequest(session, cursor, until), searchHints);
        }
      }

      const listing: NewestFirstListing<Hit, Token, number> = {
        budget: pageBudget(limits.pagesPerPass),
        async read(token) {
          // A walk from the top begins now: its pages, in this pass and later ones, end there.
          const until = token?.until ?? now.toISOString();
          const answer = await search(token?.cursor ?? null, until);
          const page = searchAnswerSchema.safeParse(answer.data);
          if (!page.success) throw unexpectedAnswer(answer.url, `not a searchPosts answer (${firstIssue(page.error)})`);
          const hits = page.data.posts.flatMap((raw, index): Hit[] => {
            const view = postViewSchema.safeParse(raw);
            if (view.success) {
              handles.set(view.data.author.did, view.data.author.handle);
              return [{ uri: view.data.uri, indexedAt: view.data.indexedAt, view: view.data, problem: null }];
            }
            const problem = firstIssue(view.error);
            // One that still has its place in the listing is counted only where the walk takes it (above
            // the stop, once); one without even that is counted here.
            const placed = placeSchema.safeParse(raw);
            if (placed.success) return [{ ...placed.data, view: null, problem }];
            rejections.reject(describe(raw, index), problem);
            return [];
          });
          return { items: hits, next: page.data.cursor ? { cursor: page.data.cursor, until } : null };
        },
        mark: (hit) => hit.indexedAt,
        compare: (a, b) => a - b,
        beforeHorizon: (hit) => hit.indexedAt < horizonMs,
        stopFor: (newest) => newest - INDEX_LAG_MS,
        take(hit) {
          if (readBefore.has(hit.uri)) return;
          if (hit.view) taken.set(hit.uri, hit.view);
          else if (!unreadable.has(hit.uri)) {
            unreadable.set(hit.uri, hit.indexedAt);
            rejections.reject(`post ${hit.uri}`, hit.problem ?? 'unreadable');
          }
        },
      };
      const walked = await pollNewestFirst(listing, previous ?? FRESH_WALK);

      const recent = new Map(previous?.recent ?? []);
      for (const view of taken.values()) recent.set(view.uri, view.indexedAt);
      for (const [uri, indexedAt] of unreadable) recent.set(uri, indexedAt);
      const newest = walked.newest;
      const cursor: BlueskyCursor = {
        v: 1,
        for: target,
        newest,
        pending: walked.pending,
        recent: newest === null ? [] : [...recent].filter(([, indexedAt]) => indexedAt > newest - INDEX_LAG_MS),
      };
      // Mapped once every page is read, so a reply's parent read on a later page still names it.
      const posts: Post[] = [...taken.values()].map((view) => blueskyPost(view, config.id, handles));
      const as = used.session;
      return cursorPoll({
        posts,
        cursor,
        rejections,
        detail: as ? `searches as @${as.handle}${as.pds ? ` through ${new URL(as.pds).host}` : ''}` : undefined,
      });
    },
  };
}

/** How a post that fails the schema is named in health: its uri when it has one. */
function describe(item: unknown, index: number): string {
  const uri = typeof item === 'object' && item !== null ? (item as { uri?: unknown }).uri : undefined;
  return typeof uri === 'string' ? `post ${uri}` : `post #${index + 1} of a page`;
}
