// The `mastodon` source type: a hashtag's public timeline on one instance
// (GET /api/v1/timelines/tag/:hashtag, https://docs.joinmastodon.org/methods/timelines/#tag).
//
// Timelines are newest first; status ids grow with time. A first run reads from the top and pages
// back with `max_id` to the 30-day catch-up horizon. Later runs read forward with `min_id` from the
// newest id seen: `min_id` answers the statuses immediately newer than it, so paging forward leaves
// no gap however much is new (`since_id` would answer the newest ones and skip the middle). Either
// way at most `pagesPerPass` pages per pass; an unfinished catch-up is kept in the cursor and
// continued on the next pass, after that pass has read what is new.

import { z } from 'zod';
import type { SourceOf } from '../../config/schema.ts';
import { absoluteHttpUrl } from '../../core/canonical-link.ts';
import { FetchError } from '../../core/errors.ts';
import { collapseWhitespace, dedupKeyFor, htmlToPlainText } from '../../core/normalise.ts';
import { CATCH_UP_DAYS } from '../../core/place.ts';
import type { Fetcher, Source } from '../../core/ports.ts';
import { DAY_MS } from '../../core/time.ts';
import type { Post } from '../../core/types.ts';
import { readCursor } from './api/shape.ts';
import { getJson, type AccessHints, type ApiAnswer } from './api/json.ts';
import { rateLimitSpent } from './api/rate-limit.ts';

/** The most a timeline page holds. */
export const MASTODON_PAGE_SIZE = 40;
/** Pages read per pass unless the source is told otherwise. */
export const MASTODON_PAGES_PER_PASS = 10;

export type MastodonSourceConfig = Pick<SourceOf<'mastodon'>, 'id' | 'instance' | 'tag'>;

export interface MastodonSourceOptions {
  /** Pages read per pass (a page holds up to 40 statuses). @default 10 */
  pagesPerPass?: number;
}

// The Status entity (https://docs.joinmastodon.org/entities/Status/), the fields we read.
const statusFields = {
  id: z.string().min(1),
  uri: z.string(),
  url: z.string().nullish(),
  created_at: z.string(),
  content: z.string().default(''),
  spoiler_text: z.string().default(''),
  account: z.object({ acct: z.string() }).nullish(),
};
const originalSchema = z.object(statusFields);
const statusSchema = z.object({ ...statusFields, reblog: originalSchema.nullish() });
type Status = z.output<typeof statusSchema>;

// The cursor (SourceState.cursor), JSON: the newest status id seen (read forward from it), and an
// unfinished catch-up (continue back from `maxId`), null when there is none.
const cursorSchema = z.object({
  v: z.literal(1),
  /** What the cursor is for: a changed instance or tag starts over. */
  for: z.string(),
  newest: z.string().nullable(),
  backfill: z.object({ maxId: z.string() }).nullable(),
});
type MastodonCursor = z.output<typeof cursorSchema>;

export function createMastodonSource(config: MastodonSourceConfig, fetcher: Fetcher, options: MastodonSourceOptions = {}): Source {
  const instance = config.instance.replace(/\/+$/, '');
  const pagesPerPass = options.pagesPerPass ?? MASTODON_PAGES_PER_PASS;
  // Hashtags are case-insensitive on Mastodon: #SaveBoschLegacy and #savebosCHlegacy are one timeline.
  const target = `${instance}/tags/${config.tag.toLowerCase()}`;
  const hints: AccessHints = {
    unauthorized: `${instance} does not let anonymous clients read hashtag timelines (its public preview is turned off, or it blocks this client): check the instance's settings, or pick an instance that shows #${config.tag} publicly`,
    notFound: `check "instance" (${instance}: a Mastodon server's root URL, e.g. https://mastodon.social) and "tag" (${config.tag}, without "#")`,
  };

  function timelineUrl(param: { max_id?: string; min_id?: string }): string {
    const params = new URLSearchParams({ limit: String(MASTODON_PAGE_SIZE), ...param });
    return `${instance}/api/v1/timelines/tag/${encodeURIComponent(config.tag)}?${params}`;
  }

  return {
    id: config.id,
    async poll(state, now) {
      const horizonMs = now.getTime() - CATCH_UP_DAYS * DAY_MS;
      const previous = parseCursor(state.cursor, target);
      const posts = new Map<string, Post>();
      let budget = pagesPerPass;
      // Set once an answer says the rate-limit window is spent: no further request this pass.
      let spent = false;

      async function page(param: { max_id?: string; min_id?: string }): Promise<Status[]> {
        budget -= 1;
        const answer = await getJson(fetcher, { url: timelineUrl(param) }, hints);
        if (rateLimitSpent(answer.headers)) spent = true;
        return readTimeline(answer);
      }

      function keep(entry: Status): void {
        const post = toPost(entry, config.id);
        // A boost is its original seen again: one post, however often it shows up.
        if (!posts.has(post.id)) posts.set(post.id, post);
      }

      let newest = previous?.newest ?? null;
      let backfill: MastodonCursor['backfill'] = previous?.backfill ?? null;

      /** Pages back from `maxId` (null: the top) to the horizon or the timeline's end; what is left waits for the next pass. */
      async function walkBack(maxId: string | null): Promise<MastodonCursor['backfill']> {
        let before = maxId;
        while (budget > 0 && !spent) {
          const entries = await page(before === null ? {} : { max_id: before });
          if (entries.length === 0) return null;
          let reachedHorizon = false;
          for (const entry of entries) {
            newest = laterId(newest, entry.id);
            before = before === null ? entry.id : earlierId(before, entry.id);
            if (Date.parse(entry.created_at) < horizonMs) reachedHorizon = true;
            else keep(entry);
          }
          if (reachedHorizon) return null;
        }
        return before === null ? null : { maxId: before };
      }

      if (newest === null) {
        // First run (or nothing seen yet): from the top, back to the horizon.
        backfill = await walkBack(null);
      } else {
        // Forward from the newest id seen until caught up: a short page is the end.
        while (budget > 0 && !spent) {
          const entries = await page({ min_id: newest });
          for (const entry of entries) {
            newest = laterId(newest, entry.id);
            if (Date.parse(entry.created_at) >= horizonMs) keep(entry);
          }
          if (entries.length < MASTODON_PAGE_SIZE) break;
        }
        if (backfill && budget > 0 && !spent) backfill = await walkBack(backfill.maxId);
      }

      const cursor: MastodonCursor = { v: 1, for: target, newest, backfill };
      return { changed: true, posts: [...posts.values()], etag: null, lastModified: null, cursor: JSON.stringify(cursor) };
    },
  };
}

function parseCursor(raw: string | null, target: string): MastodonCursor | null {
  // Unreadable, or kept for another instance or tag: a first run.
  return readCursor(raw, (value) => {
    const cursor = cursorSchema.safeParse(value);
    return cursor.success && cursor.data.for === target ? cursor.data : null;
  });
}

function readTimeline(answer: ApiAnswer): Status[] {
  if (!Array.isArray(answer.data)) {
    throw new FetchError('not-a-feed', `not a Mastodon timeline from ${answer.url} (expected a JSON array of statuses)`, { url: answer.url });
  }
  const statuses: Status[] = [];
  for (const item of answer.data) {
    const status = statusSchema.safeParse(item);
    if (status.success) statuses.push(status.data);
  }
  return statuses;
}

/**
 * Status ids are strings "cast from an integer but not guaranteed to be a number" (Mastodon docs):
 * Mastodon's are decimal snowflakes, other servers' (Pleroma, Akkoma) fixed-length sortable strings.
 * Longer is later; same length sorts as text.
 */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

const laterId = (a: string | null, b: string): string => (a === null || compareIds(b, a) > 0 ? b : a);
const earlierId = (a: string, b: string): string => (compareIds(b, a) < 0 ? b : a);

function toPost(entry: Status, sourceId: string): Post {
  // A boost (reblog set) carries the original status: that is what was posted, under its own id and URL.
  const status = entry.reblog ?? entry;
  const link = absoluteHttpUrl(status.url) ?? absoluteHttpUrl(status.uri);
  const spoiler = collapseWhitespace(status.spoiler_text);
  const body = htmlToPlainText(status.content);
  const published = Date.parse(status.created_at);
  return {
    sourceId,
    id: status.id,
    dedupKey: dedupKeyFor(link, sourceId, status.id),
    link,
    author: status.account?.acct || null,
    // A status has no title; its content warning, if any, leads the text.
    title: '',
    text: [spoiler, body].filter((part) => part !== '').join(' — '),
    published: Number.isNaN(published) ? null : new Date(published).toISOString(),
  };
}
