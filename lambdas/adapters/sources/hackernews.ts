// The `hackernews` source type: stories and comments matching a query, through the public HN search API
// (Algolia): GET {baseUrl}/api/v1/search_by_date?query=…&tags=(story,comment)&hitsPerPage=100
// &numericFilters=created_at_i>A,created_at_i<=B&page=N, newest first.
//
// The cursor is by time: the newest `created_at_i` read. Each pass reads the time range since then,
// starting 15 minutes earlier because the index takes a while to show a new item (the ids read in
// those 15 minutes are kept, so nothing is yielded twice). Every range has a fixed upper bound, so its
// pages do not shift while we read them. The API stops a query at 1,000 hits (10 pages of 100): when a
// range holds more, it is split, the next window ending at the oldest second read. A range not finished
// within this pass's pages (the first run's 30-day catch-up on a busy query) is kept in the cursor as a
// gap, newest part read first, and read on in later passes after what is new.
//
// Not the shared pollNewestFirst (api/walk.ts): that walks one open-ended listing from the top down to
// a mark. Here a range is a window fixed by created_at_i bounds (an open-ended listing's pages shift as
// late items are indexed), a window can hold more hits than the API pages through and is then split,
// overlap is told apart by the ids read rather than by a mark, and several ranges (the new one and
// older gaps) are read in one pass, each kept in the cursor on its own.
//
// Every hit is read against its wire schema; one that fails is counted in the source's health
// (`rejected`) and the rest of the answer is still read.

import { z } from 'zod';
import { dedupKeyFor, htmlToPlainText, collapseWhitespace } from '../../core/normalise.ts';
import type { Fetcher, Source } from '../../core/ports.ts';
import type { Post } from '../../core/types.ts';
import { readAnswer } from './api/answer.ts';
import { cursorPoll, readCursorAs } from './api/cursor.ts';
import { catchUpHorizonMs } from './api/horizon.ts';
import { getJson, type AccessHints } from './api/json.ts';
import { createRejectionCounter, readItems, type RejectionCounter } from './api/rejections.ts';

export const HACKERNEWS_BASE_URL = 'https://hn.algolia.com';

export interface HackerNewsSourceConfig {
  id: string;
  query: string;
  /** Replaces https://hn.algolia.com (a mirror, a test server). */
  baseUrl?: string | undefined;
}

export interface HackerNewsLimits {
  /** Hits per answer; the API's maximum is 100 (and 1,000 per query). */
  hitsPerPage: number;
  /** Answers per pass. */
  pagesPerPass: number;
}

export const HACKERNEWS_LIMITS: HackerNewsLimits = { hitsPerPage: 100, pagesPerPass: 10 };

/** How far back each pass re-reads for items the index showed late (seconds). */
const INDEX_LAG_S = 15 * 60;
/** Gaps kept in the cursor at most (newest first); more only follow a long run of pages cut short. */
const MAX_GAPS = 20;

export function createHackerNewsSource(config: HackerNewsSourceConfig, fetcher: Fetcher, limits: Partial<HackerNewsLimits> = {}): Source {
  const base = (config.baseUrl ?? HACKERNEWS_BASE_URL).replace(/\/+$/, '');
  const budget = { ...HACKERNEWS_LIMITS, ...limits };
  const hints: AccessHints = {
    unauthorized: `the search API refused access: hn.algolia.com needs no key, so check "baseUrl" (${base}) and whether a mirror there needs one`,
    notFound: `check "baseUrl" (${base}): it must be the search API's host (default ${HACKERNEWS_BASE_URL}), which serves /api/v1/search_by_date`,
  };
  return {
    id: config.id,
    async poll(state, now) {
      const nowS = Math.floor(now.getTime() / 1000);
      const horizonS = Math.floor(catchUpHorizonMs(now) / 1000);
      // The query is what the cursor is for: a mirror (another baseUrl) holds the same items at the same times.
      const cursor = readCursorAs(state.cursor, hnCursorSchema, config.query);
      const rejections = createRejectionCounter();
      const search: Search = { fetcher, base, query: config.query, hints, budget, sourceId: config.id, pagesLeft: budget.pagesPerPass, rejections };

      const gaps = (cursor?.gaps ?? [])
        .map((gap) => ({ ...gap, after: Math.max(gap.after, horizonS) }))
        .filter((gap) => gap.upTo > gap.after);
      const fresh: Gap =
        cursor?.newest == null
          ? { after: horizonS, upTo: nowS, skip: [] }
          : {
              // What an unfinished gap covers stays with that gap.
              after: Math.max(horizonS, cursor.newest - INDEX_LAG_S, ...gaps.map((gap) => gap.upTo)),
              upTo: nowS,
              skip: cursor.recent.map(([id]) => id),
            };

      const read: Hit[] = [];
      const left: Gap[] = [];
      for (const gap of fresh.upTo > fresh.after ? [fresh, ...gaps] : gaps) {
        const rest = await readGap(search, gap, read);
        if (rest) left.push(rest);
      }

      const newest = Math.max(cursor?.newest ?? 0, ...read.map((hit) => hit.createdS)) || null;
      const recent = new Map(cursor?.recent ?? []);
      for (const hit of read) recent.set(hit.id, hit.createdS);
      const next: HnCursor = {
        v: 1,
        for: config.query,
        newest,
        recent: newest === null ? [] : [...recent.entries()].filter(([, createdS]) => createdS > newest - INDEX_LAG_S),
        gaps: left.slice(0, MAX_GAPS),
      };
      const posts = read.filter((hit) => !hit.gone && hit.createdS > horizonS).map((hit) => toPost(hit, config.id));
      return cursorPoll({ posts, cursor: next, rejections });
    },
  };
}

interface Search {
  fetcher: Fetcher;
  base: string;
  query: string;
  hints: AccessHints;
  budget: HackerNewsLimits;
  sourceId: string;
  pagesLeft: number;
  rejections: RejectionCounter;
}

// ---- the wire shapes: a search hit, an answer ----

// Fields the API leaves null or out for some items (a comment has no title, an Ask HN no url) are
// nullish; a hit cannot be read without its id and time.
const optionalText = z.string().nullish();

const hitSchema = z
  .object({
    objectID: z.string().min(1),
    created_at_i: z.number().int(),
    _tags: z.array(z.string()).nullish(),
    author: optionalText,
    title: optionalText,
    url: optionalText,
    /** HTML, as the other texts. */
    story_text: optionalText,
    comment_text: optionalText,
    story_title: optionalText,
  })
  .transform((o) => {
    const tags = o._tags ?? [];
    const kind: 'story' | 'comment' = tags.includes('comment') || (!tags.includes('story') && o.comment_text != null) ? 'comment' : 'story';
    const author = o.author ?? null;
    const html = (kind === 'comment' ? o.comment_text : o.story_text) ?? null;
    const title = o.title ?? null;
    return {
      id: o.objectID,
      createdS: o.created_at_i,
      kind,
      author,
      title,
      url: o.url ?? null,
      html,
      storyTitle: o.story_title ?? null,
      /** A deleted item the index still holds: no author, no text. */
      gone: !author && (kind === 'comment' ? !html : !title),
    };
  });
type Hit = z.output<typeof hitSchema>;

/** The hits stay unknown here and are read one by one, so a bad one is only counted. */
const answerSchema = z.object({
  hits: z.array(z.unknown()),
  nbHits: z.number().int().nullish(),
  nbPages: z.number().int().nullish(),
});

/** A hit named in the source's health: by its objectID when it has one, else by its place in the answer. */
function hitName(page: number) {
  return (item: unknown, index: number) => {
    const id = (item as { objectID?: unknown } | null)?.objectID;
    return (typeof id === 'string' && id !== '') || typeof id === 'number' ? `hit ${id}` : `hit #${index + 1} of page ${page}`;
  };
}

function toPost(hit: Hit, sourceId: string): Post {
  const itemPage = `https://news.ycombinator.com/item?id=${encodeURIComponent(hit.id)}`;
  // A link story is about its article: the article's URL makes it the same story as the feed item.
  const link = hit.kind === 'story' && hit.url ? hit.url : itemPage;
  return {
    sourceId,
    id: hit.id,
    dedupKey: dedupKeyFor(link, sourceId, hit.id),
    link,
    author: hit.author,
    title: hit.kind === 'story' ? collapseWhitespace(hit.title ?? '') : `Comment on: ${collapseWhitespace(hit.storyTitle ?? '')}`,
    text: hit.html ? htmlToPlainText(hit.html) : '',
    published: new Date(hit.createdS * 1000).toISOString(),
  };
}

// ---- the cursor ----

/** Hits with after < created_at_i <= upTo not read yet, except the `skip` ids (read already). */
const gapSchema = z.object({ after: z.number().int(), upTo: z.number().int(), skip: z.array(z.string()) });
type Gap = z.output<typeof gapSchema>;

const hnCursorSchema = z.object({
  v: z.literal(1),
  /** The query. */
  for: z.string(),
  /** The newest created_at_i read (epoch seconds); null before anything was read. */
  newest: z.number().int().nullable(),
  /** [objectID, created_at_i] read within INDEX_LAG_S of `newest`: re-read next pass, not yielded again. */
  recent: z.array(z.tuple([z.string(), z.number().int()])),
  /** Ranges still to read, newest first. */
  gaps: z.array(gapSchema),
});
type HnCursor = z.output<typeof hnCursorSchema>;

// ---- reading a range ----

/**
 * Reads a gap newest first while the pass has pages left, pushing its hits to `read`; returns what is
 * left of it (null when done). Splits the gap into windows when a window reaches the 1,000-hit cap.
 */
async function readGap(search: Search, gap: Gap, read: Hit[]): Promise<Gap | null> {
  let window = { upTo: gap.upTo, skip: new Set(gap.skip) };
  const readIds = new Set(read.map((hit) => hit.id));
  for (;;) {
    // The oldest second met in this window, and every id met at it (read now or skipped as read before).
    let boundary: { createdS: number; ids: Set<string> } | null = null;
    for (let page = 0; ; page += 1) {
      if (search.pagesLeft <= 0) {
        return boundary
          ? { after: gap.after, upTo: boundary.createdS, skip: [...boundary.ids] }
          : { after: gap.after, upTo: window.upTo, skip: [...window.skip] };
      }
      search.pagesLeft -= 1;
      const answer = readAnswer(await searchPage(search, gap.after, window.upTo, page), answerSchema, 'no "hits" list');
      const hits = readItems(answer.hits, hitSchema, search.rejections, hitName(page));
      for (const hit of hits) {
        if (!boundary || hit.createdS < boundary.createdS) {
          boundary = { createdS: hit.createdS, ids: hit.createdS === window.upTo ? new Set(window.skip) : new Set() };
        }
        if (hit.createdS === boundary.createdS) boundary.ids.add(hit.id);
        if (window.skip.has(hit.id) || readIds.has(hit.id)) continue;
        readIds.add(hit.id);
        read.push(hit);
      }
      const nbPages = answer.nbPages ?? 0;
      const nbHits = answer.nbHits ?? 0;
      if (hits.length > 0 && page + 1 < nbPages) continue;
      // The last page this query gives. More hits than it gave: the window reached the cap, so the next
      // window ends at the oldest second read (its hits read so far are skipped there).
      if (!boundary || nbHits <= (page + 1) * search.budget.hitsPerPage) return null;
      window =
        boundary.createdS < window.upTo
          ? { upTo: boundary.createdS, skip: boundary.ids }
          : // 1,000 hits in one second: nothing narrower to ask for; the rest of that second is lost.
            { upTo: boundary.createdS - 1, skip: new Set() };
      if (window.upTo <= gap.after) return null;
      break;
    }
  }
}

async function searchPage(search: Search, after: number, upTo: number, page: number) {
  const params = new URLSearchParams({
    query: search.query,
    tags: '(story,comment)',
    hitsPerPage: String(search.budget.hitsPerPage),
    numericFilters: `created_at_i>${after},created_at_i<=${upTo}`,
    page: String(page),
  });
  return getJson(search.fetcher, { url: `${search.base}/api/v1/search_by_date?${params}` }, search.hints);
}
