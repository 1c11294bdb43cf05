// One list (a community's posts, or its comments), one pass. Each list is read newest first, in
// walks: a walk starts at the top and goes down until it meets what the last walk read, then its
// cursor is the highest id it saw. "New" orders by publication time, not by id: a post federated late
// from another instance gets a new local id but keeps its old time, so a walk goes down to an hour
// before the last walk's newest item and takes every id it has not read. A walk that runs out of pages
// for this pass (the first run's 30-day catch-up) is kept in the cursor and continued next pass: by
// `page_cursor` when the instance gives one (v4 always, v3 post lists since 0.19), exactly; by page
// number otherwise (v3), one page early, skipping what it already read (new items push the list down;
// removed ones pull it up).

import { z } from 'zod';
import type { Post } from '../../../core/types.ts';
import { readListPage, type ListName, type PageReader } from './api.ts';
import type { ListedItem } from './items.ts';

/** How far below the last walk's newest item a walk still looks for items it has not read (federation delay). */
const FEDERATION_LAG_MS = 60 * 60_000;

const whole = z.int();

/** A walk down one list: where it is, where it stops, and what it has read so far. */
const listWalkSchema = z.object({
  /** The next page number to read (v3, when the instance gives no page_cursor). */
  page: whole,
  /** The instance's cursor for the next page, when it gives one. */
  pageCursor: z.string().nullable(),
  /** Items with this id or lower were read by an earlier walk. */
  stopId: whole,
  /** The walk ends on a page reaching below this time (epoch ms). */
  stopAtMs: whole,
  /** The highest id and newest time on the walk's first page: the next walk's stop. */
  topId: whole,
  topMs: whole,
  /** The oldest time read so far and the ids read at exactly that time: anything newer was read. */
  beforeMs: whole.nullable(),
  beforeIds: z.array(whole),
  pagesRead: whole,
});
type ListWalk = z.output<typeof listWalkSchema>;

export const listCursorSchema = z.object({
  /** The highest id a finished walk read; null before the first walk finished. */
  maxId: whole.nullable(),
  /** The newest publication time (epoch ms) a finished walk read. */
  newestMs: whole.nullable(),
  walk: listWalkSchema.nullable(),
});
export type ListCursor = z.output<typeof listCursorSchema>;

export const EMPTY_LIST: ListCursor = { maxId: null, newestMs: null, walk: null };

/** A list's cursor kept across a change of API version: an unfinished walk starts again from the top, skipping what it read. */
export const restartWalk = (state: ListCursor): ListCursor => (state.walk ? { ...state, walk: { ...state.walk, page: 1, pageCursor: null } } : state);

export interface ListBudget {
  /** Answers per pass for this list. */
  pages: number;
  /** Epoch ms before which items are not read. */
  horizonMs: number;
}

export async function pollList(read: PageReader, list: ListName, state: ListCursor, budget: ListBudget): Promise<{ posts: Post[]; state: ListCursor }> {
  let { maxId, newestMs } = state;
  // A walk left by an earlier pass resumes one page early when it pages by number (see the header).
  let walk: ListWalk | null = state.walk && (state.walk.pageCursor === null ? { ...state.walk, page: Math.max(1, state.walk.page - 1) } : { ...state.walk });
  const posts: Post[] = [];
  let startedThisPass = false;
  for (let pages = 0; pages < budget.pages; pages += 1) {
    if (walk === null) {
      startedThisPass = true;
      walk = {
        page: 1,
        pageCursor: null,
        stopId: maxId ?? 0,
        stopAtMs: newestMs === null ? budget.horizonMs : Math.max(budget.horizonMs, newestMs - FEDERATION_LAG_MS),
        topId: maxId ?? 0,
        topMs: newestMs ?? 0,
        beforeMs: null,
        beforeIds: [],
        pagesRead: 0,
      };
    }
    const { items, size, next } = await readListPage(read, list, walk);
    const firstPage = walk.pagesRead === 0;
    const ordered = items.filter((item) => !item.featured && item.publishedMs !== null);
    if (firstPage) {
      walk.topId = Math.max(walk.topId, ...items.map((item) => item.id));
      walk.topMs = Math.max(walk.topMs, ...ordered.map((item) => item.publishedMs!));
    }
    for (const item of items) {
      if (item.featured ? !firstPage : alreadyRead(walk, item)) continue;
      if (item.id <= walk.stopId || item.gone) continue;
      if (item.publishedMs !== null && item.publishedMs < budget.horizonMs) continue;
      posts.push(item.post);
    }
    const oldest = ordered.length > 0 ? Math.min(...ordered.map((item) => item.publishedMs!)) : null;
    // Only ever down: a resumed walk's first page can hold items above where it had read to.
    if (oldest !== null && (walk.beforeMs === null || oldest <= walk.beforeMs)) {
      const atOldest = ordered.filter((item) => item.publishedMs === oldest).map((item) => item.id);
      walk.beforeIds = oldest === walk.beforeMs ? [...new Set([...walk.beforeIds, ...atOldest])] : atOldest;
      walk.beforeMs = oldest;
    }
    walk.pagesRead += 1;
    const pagedByCursor = read.api.cursorsOnly || walk.pageCursor !== null;
    const finished = size < read.query.pageSize || (oldest !== null && oldest < walk.stopAtMs) || (pagedByCursor && next === null);
    walk.pageCursor = next;
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
function alreadyRead(walk: ListWalk, item: ListedItem): boolean {
  if (walk.beforeMs === null || item.publishedMs === null) return false;
  return item.publishedMs > walk.beforeMs || (item.publishedMs === walk.beforeMs && walk.beforeIds.includes(item.id));
}
