// The `lemmy` source type: a community's new posts and new comments, through the instance's API v3
// (GET /api/v3/post/list and /api/v3/comment/list with community_name, sort=New, limit=50).
//
// Each list is read newest first, in walks: a walk starts at page 1 and goes down until it meets what
// the last walk read, then its cursor is the highest id it saw (posts and comments separately). "New"
// orders by publication time, not by id: a post federated late from another instance gets a new local id
// but keeps its old time, so a walk goes down to an hour before the last walk's newest item and takes
// every id it has not read. A walk that runs out of pages for this pass (the first run's 30-day catch-up)
// is kept in the cursor and continued next pass: by `page_cursor` when the instance gives one (Lemmy
// 0.19+ post lists), exactly; by page number otherwise, one page early, skipping what it already read
// (new items push the list down; removed ones pull it up).

import { FetchError } from '../../../core/errors.ts';
import { collapseWhitespace, dedupKeyFor } from '../../../core/normalise.ts';
import { CATCH_UP_DAYS } from '../../../core/place.ts';
import type { Fetcher, Source } from '../../../core/ports.ts';
import { DAY_MS } from '../../../core/time.ts';
import type { Post } from '../../../core/types.ts';
import { markdownToPlainText } from '../api/markdown.ts';
import { getJson, type AccessHints } from '../api/json.ts';
import {
  apiTimeMs,
  child,
  isObject,
  isTrue,
  isWholeArray,
  objectsAt,
  readCursor,
  text,
  whole,
  type JsonObject,
} from '../api/shape.ts';

export interface LemmySourceConfig {
  id: string;
  /** The instance's root URL, e.g. https://lemmy.world. */
  instance: string;
  /** The community's name, or name@instance for one hosted elsewhere. */
  community: string;
}

export interface LemmyLimits {
  /** Items per answer (`limit`); Lemmy's maximum is 50. */
  pageSize: number;
  /** Answers per pass for each list (posts, comments). */
  pagesPerList: number;
}

export const LEMMY_LIMITS: LemmyLimits = { pageSize: 50, pagesPerList: 5 };

/** How far below the last walk's newest item a walk still looks for items it has not read (federation delay). */
const FEDERATION_LAG_MS = 60 * 60_000;

export function createLemmySource(config: LemmySourceConfig, fetcher: Fetcher, limits: Partial<LemmyLimits> = {}): Source {
  const instance = config.instance.replace(/\/+$/, '');
  const budget = { ...LEMMY_LIMITS, ...limits };
  const community = config.community.replace(/^!/, '');
  const hints: AccessHints = {
    unauthorized: `the instance refused anonymous API access: check the instance's settings (a private instance needs a login) and that "instance" is a Lemmy instance`,
    notFound: `check "community" (its name, e.g. "television", or name@instance for a community hosted elsewhere that ${instance} knows) and that "instance" is the instance's root URL`,
  };
  return {
    id: config.id,
    async poll(state, now) {
      const read: Reader = { fetcher, instance, community, hints, budget, sourceId: config.id, horizonMs: now.getTime() - CATCH_UP_DAYS * DAY_MS };
      const cursor = readCursor(state.cursor, (o) => readLemmyCursor(o, community));
      const posts = await pollList(read, POSTS, cursor?.posts ?? EMPTY_LIST);
      const comments = await pollList(read, COMMENTS, cursor?.comments ?? EMPTY_LIST);
      const next: LemmyCursor = { v: 1, community, posts: posts.state, comments: comments.state };
      return { changed: true, posts: [...posts.posts, ...comments.posts], etag: null, lastModified: null, cursor: JSON.stringify(next) };
    },
  };
}

interface Reader {
  fetcher: Fetcher;
  instance: string;
  community: string;
  hints: AccessHints;
  budget: LemmyLimits;
  sourceId: string;
  horizonMs: number;
}

// ---- the raw shapes: PostView and CommentView ----

interface RawItem {
  id: number;
  publishedMs: number | null;
  /** Deleted by its author or removed by a moderator: not counted. */
  gone: boolean;
  /** Pinned in the community: a community's post list puts these first, whatever their time. */
  featured: boolean;
  toPost(read: Reader): Post;
}

interface ListKind {
  name: 'posts' | 'comments';
  path: string;
  read(view: JsonObject): RawItem | null;
}

const POSTS: ListKind = {
  name: 'posts',
  path: 'post/list',
  read(view) {
    const post = child(view, 'post');
    const id = post && whole(post, 'id');
    if (!post || id === null || id === undefined) return null;
    const published = text(post, 'published');
    return {
      id,
      publishedMs: apiTimeMs(published),
      gone: isTrue(post, 'deleted') || isTrue(post, 'removed'),
      featured: isTrue(post, 'featured_community'),
      toPost(read) {
        const link = text(post, 'ap_id');
        const postId = link ?? `${read.instance}/post/${id}`;
        // A link post is about its article: the article's URL makes it the same story as the feed item.
        const article = text(post, 'url');
        return {
          sourceId: read.sourceId,
          id: postId,
          dedupKey: dedupKeyFor(article ?? link, read.sourceId, postId),
          link,
          author: creatorName(view),
          title: collapseWhitespace(text(post, 'name') ?? ''),
          text: markdownToPlainText(text(post, 'body') ?? ''),
          published: isoOrNull(published),
        };
      },
    };
  },
};

const COMMENTS: ListKind = {
  name: 'comments',
  path: 'comment/list',
  read(view) {
    const comment = child(view, 'comment');
    const id = comment && whole(comment, 'id');
    if (!comment || id === null || id === undefined) return null;
    const published = text(comment, 'published');
    return {
      id,
      publishedMs: apiTimeMs(published),
      gone: isTrue(comment, 'deleted') || isTrue(comment, 'removed'),
      featured: false,
      toPost(read) {
        const link = text(comment, 'ap_id');
        const commentId = link ?? `${read.instance}/comment/${id}`;
        const post = child(view, 'post');
        return {
          sourceId: read.sourceId,
          id: commentId,
          dedupKey: dedupKeyFor(link, read.sourceId, commentId),
          link,
          author: creatorName(view),
          title: `Comment on: ${collapseWhitespace((post && text(post, 'name')) ?? '')}`,
          text: markdownToPlainText(text(comment, 'content') ?? ''),
          published: isoOrNull(published),
        };
      },
    };
  },
};

function creatorName(view: JsonObject): string | null {
  const creator = child(view, 'creator');
  return creator ? text(creator, 'name') : null;
}

function isoOrNull(raw: string | null): string | null {
  const ms = apiTimeMs(raw);
  return ms === null ? null : new Date(ms).toISOString();
}


// ---- the cursor ----

/** A walk down one list: where it is, where it stops, and what it has read so far. */
interface ListWalk {
  /** The next page number to read (used when the instance gives no page_cursor). */
  page: number;
  /** The instance's cursor for the next page, when it gives one. */
  pageCursor: string | null;
  /** Items with this id or lower were read by an earlier walk. */
  stopId: number;
  /** The walk ends on a page reaching below this time (epoch ms). */
  stopAtMs: number;
  /** The highest id and newest time on the walk's first page: the next walk's stop. */
  topId: number;
  topMs: number;
  /** The oldest time read so far and the ids read at exactly that time: anything newer was read. */
  beforeMs: number | null;
  beforeIds: number[];
  pagesRead: number;
}

interface ListCursor {
  /** The highest id a finished walk read; null before the first walk finished. */
  maxId: number | null;
  /** The newest publication time (epoch ms) a finished walk read. */
  newestMs: number | null;
  walk: ListWalk | null;
}

interface LemmyCursor {
  v: 1;
  community: string;
  posts: ListCursor;
  comments: ListCursor;
}

const EMPTY_LIST: ListCursor = { maxId: null, newestMs: null, walk: null };

function readLemmyCursor(o: JsonObject, community: string): LemmyCursor | null {
  if (o['v'] !== 1 || o['community'] !== community) return null;
  const posts = readListCursor(o['posts']);
  const comments = readListCursor(o['comments']);
  return posts && comments ? { v: 1, community, posts, comments } : null;
}

function readListCursor(value: unknown): ListCursor | null {
  if (!isObject(value)) return null;
  const nullableWhole = (o: JsonObject, key: string): number | null | undefined => (o[key] === null ? null : (whole(o, key) ?? undefined));
  const maxId = nullableWhole(value, 'maxId');
  const newestMs = nullableWhole(value, 'newestMs');
  if (maxId === undefined || newestMs === undefined) return null;
  const raw = value['walk'];
  if (raw === null) return { maxId, newestMs, walk: null };
  if (!isObject(raw)) return null;
  const numbers = ['page', 'stopId', 'stopAtMs', 'topId', 'topMs', 'pagesRead'].map((key) => whole(raw, key));
  const beforeMs = nullableWhole(raw, 'beforeMs');
  const pageCursor = raw['pageCursor'] === null ? null : text(raw, 'pageCursor');
  const beforeIds = raw['beforeIds'];
  if (numbers.some((n) => n === null) || beforeMs === undefined || (pageCursor === null && raw['pageCursor'] !== null) || !isWholeArray(beforeIds)) {
    return null;
  }
  const [page, stopId, stopAtMs, topId, topMs, pagesRead] = numbers as number[];
  return {
    maxId,
    newestMs,
    walk: { page: page!, pageCursor, stopId: stopId!, stopAtMs: stopAtMs!, topId: topId!, topMs: topMs!, beforeMs, beforeIds, pagesRead: pagesRead! },
  };
}

// ---- one list, one pass ----

async function pollList(read: Reader, kind: ListKind, state: ListCursor): Promise<{ posts: Post[]; state: ListCursor }> {
  let { maxId, newestMs } = state;
  // A walk left by an earlier pass resumes one page early when it pages by number (see the header).
  let walk: ListWalk | null = state.walk && (state.walk.pageCursor === null ? { ...state.walk, page: Math.max(1, state.walk.page - 1) } : { ...state.walk });
  const posts: Post[] = [];
  let startedThisPass = false;
  for (let pages = 0; pages < read.budget.pagesPerList; pages += 1) {
    if (walk === null) {
      startedThisPass = true;
      walk = {
        page: 1,
        pageCursor: null,
        stopId: maxId ?? 0,
        stopAtMs: newestMs === null ? read.horizonMs : Math.max(read.horizonMs, newestMs - FEDERATION_LAG_MS),
        topId: maxId ?? 0,
        topMs: newestMs ?? 0,
        beforeMs: null,
        beforeIds: [],
        pagesRead: 0,
      };
    }
    const answer = await getPage(read, kind, walk);
    const items = objectsAt(answer.data, kind.name, answer.url)
      .map((view) => kind.read(view))
      .filter((item): item is RawItem => item !== null);
    const firstPage = walk.pagesRead === 0;
    const ordered = items.filter((item) => !item.featured && item.publishedMs !== null);
    if (firstPage) {
      walk.topId = Math.max(walk.topId, ...items.map((item) => item.id));
      walk.topMs = Math.max(walk.topMs, ...ordered.map((item) => item.publishedMs!));
    }
    for (const item of items) {
      if (item.featured ? !firstPage : alreadyRead(walk, item)) continue;
      if (item.id <= walk.stopId || item.gone) continue;
      if (item.publishedMs !== null && item.publishedMs < read.horizonMs) continue;
      posts.push(item.toPost(read));
    }
    const oldest = ordered.length > 0 ? Math.min(...ordered.map((item) => item.publishedMs!)) : null;
    // Only ever down: a resumed walk's first page can hold items above where it had read to.
    if (oldest !== null && (walk.beforeMs === null || oldest <= walk.beforeMs)) {
      const atOldest = ordered.filter((item) => item.publishedMs === oldest).map((item) => item.id);
      walk.beforeIds = oldest === walk.beforeMs ? [...new Set([...walk.beforeIds, ...atOldest])] : atOldest;
      walk.beforeMs = oldest;
    }
    walk.pagesRead += 1;
    const nextCursor = isObject(answer.data) ? text(answer.data, 'next_page') : null;
    const finished =
      items.length < read.budget.pageSize || (oldest !== null && oldest < walk.stopAtMs) || (walk.pageCursor !== null && nextCursor === null);
    walk.pageCursor = nextCursor;
    walk.page += 1;
    if (finished) {
      maxId = Math.max(maxId ?? 0, walk.topId);
      newestMs = walk.topMs > 0 ? Math.max(newestMs ?? 0, walk.topMs) : newestMs;
      walk = null;
      // A walk finished that a previous pass began: what arrived meanwhile is read from the top now.
      if (startedThisPass) break;
    }
  }
  return { posts, state: { maxId, newestMs, walk } };
}

/** Read already by this walk: newer than the oldest time it read, or at that time and among the ids it read there. */
function alreadyRead(walk: ListWalk, item: RawItem): boolean {
  if (walk.beforeMs === null || item.publishedMs === null) return false;
  return item.publishedMs > walk.beforeMs || (item.publishedMs === walk.beforeMs && walk.beforeIds.includes(item.id));
}

async function getPage(read: Reader, kind: ListKind, walk: ListWalk) {
  const params = new URLSearchParams({ community_name: read.community, sort: 'New', limit: String(read.budget.pageSize) });
  if (walk.pageCursor !== null) params.set('page_cursor', walk.pageCursor);
  else params.set('page', String(walk.page));
  const url = `${read.instance}/api/v3/${kind.path}?${params}`;
  try {
    return await getJson(read.fetcher, { url }, read.hints);
  } catch (error) {
    // Lemmy answers 400 with {"error":"couldnt_find_community"} for a community it does not know, and
    // with {"error":"instance_is_private"} to anonymous readers of a private instance.
    if (error instanceof FetchError && error.details.status === 400) {
      const hint = `${read.hints.notFound}, and that the instance is not private`;
      throw new FetchError('http-status', `${error.message}: ${hint}`, error.details, { cause: error });
    }
    throw error;
  }
}
