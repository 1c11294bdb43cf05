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

import { dedupKeyFor, htmlToPlainText, collapseWhitespace } from '../../core/normalise.ts';
import { CATCH_UP_DAYS } from '../../core/place.ts';
import type { Fetcher, Source } from '../../core/ports.ts';
import { DAY_MS } from '../../core/time.ts';
import type { Post } from '../../core/types.ts';
import { getJson, type AccessHints } from './api/json.ts';
import { isObject, isStringArray, objectsAt, readCursor, text, whole, type JsonObject } from './api/shape.ts';

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
      const horizonS = Math.floor((now.getTime() - CATCH_UP_DAYS * DAY_MS) / 1000);
      const cursor = readCursor(state.cursor, (o) => readHnCursor(o, config.query));
      const search: Search = { fetcher, base, query: config.query, hints, budget, sourceId: config.id, pagesLeft: budget.pagesPerPass };

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
        query: config.query,
        newest,
        recent: newest === null ? [] : [...recent.entries()].filter(([, createdS]) => createdS > newest - INDEX_LAG_S),
        gaps: left.slice(0, MAX_GAPS),
      };
      const posts = read.filter((hit) => !hit.gone && hit.createdS > horizonS).map((hit) => toPost(hit, config.id));
      return { changed: true, posts, etag: null, lastModified: null, cursor: JSON.stringify(next) };
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
}

// ---- the raw shape: a search hit ----

interface Hit {
  id: string;
  createdS: number;
  kind: 'story' | 'comment';
  author: string | null;
  title: string | null;
  url: string | null;
  /** story_text or comment_text: HTML. */
  html: string | null;
  storyTitle: string | null;
  /** A deleted item the index still holds: no author, no text. */
  gone: boolean;
}

function readHit(o: JsonObject): Hit | null {
  const id = text(o, 'objectID');
  const createdS = whole(o, 'created_at_i');
  if (!id || createdS === null) return null;
  const tags = isStringArray(o['_tags']) ? o['_tags'] : [];
  const kind = tags.includes('comment') || (!tags.includes('story') && text(o, 'comment_text') !== null) ? 'comment' : 'story';
  const author = text(o, 'author');
  const html = kind === 'comment' ? text(o, 'comment_text') : text(o, 'story_text');
  const title = text(o, 'title');
  return {
    id,
    createdS,
    kind,
    author,
    title,
    url: text(o, 'url'),
    html,
    storyTitle: text(o, 'story_title'),
    gone: !author && (kind === 'comment' ? !html : !title),
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
interface Gap {
  after: number;
  upTo: number;
  skip: string[];
}

interface HnCursor {
  v: 1;
  query: string;
  /** The newest created_at_i read (epoch seconds); null before anything was read. */
  newest: number | null;
  /** [objectID, created_at_i] read within INDEX_LAG_S of `newest`: re-read next pass, not yielded again. */
  recent: [string, number][];
  /** Ranges still to read, newest first. */
  gaps: Gap[];
}

function readHnCursor(o: JsonObject, query: string): HnCursor | null {
  if (o['v'] !== 1 || o['query'] !== query) return null;
  const newest = o['newest'] === null ? null : whole(o, 'newest');
  if (newest === null && o['newest'] !== null) return null;
  const recent = o['recent'];
  const gaps = o['gaps'];
  if (!Array.isArray(recent) || !Array.isArray(gaps)) return null;
  const pairs: [string, number][] = [];
  for (const entry of recent) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isSafeInteger(entry[1])) return null;
    pairs.push([entry[0], entry[1] as number]);
  }
  const ranges: Gap[] = [];
  for (const gap of gaps) {
    if (!isObject(gap)) return null;
    const after = whole(gap, 'after');
    const upTo = whole(gap, 'upTo');
    if (after === null || upTo === null || !isStringArray(gap['skip'])) return null;
    ranges.push({ after, upTo, skip: gap['skip'] });
  }
  return { v: 1, query, newest, recent: pairs, gaps: ranges };
}

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
      const answer = await searchPage(search, gap.after, window.upTo, page);
      const hits = objectsAt(answer.data, 'hits', answer.url)
        .map(readHit)
        .filter((hit): hit is Hit => hit !== null);
      for (const hit of hits) {
        if (!boundary || hit.createdS < boundary.createdS) {
          boundary = { createdS: hit.createdS, ids: hit.createdS === window.upTo ? new Set(window.skip) : new Set() };
        }
        if (hit.createdS === boundary.createdS) boundary.ids.add(hit.id);
        if (window.skip.has(hit.id) || readIds.has(hit.id)) continue;
        readIds.add(hit.id);
        read.push(hit);
      }
      const data = isObject(answer.data) ? answer.data : {};
      const nbPages = whole(data, 'nbPages') ?? 0;
      const nbHits = whole(data, 'nbHits') ?? 0;
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
