// The resumable newest-first walk shared by the listing-style API sources (Reddit listings, Bluesky
// search, YouTube comment threads): an API that answers newest first, a page at a time, each page
// naming the next (older) one with a token.
//
// A pass first walks from the top down to where the last walk began (the newest mark seen then),
// so what is new is read first. A first run walks down to the catch-up horizon. A pass reads at most
// its page budget; a walk that runs out is kept in the cursor (`pending`) and continued on the next
// pass, after that pass has read what is new. When even the new items do not fit in a pass, the rest
// of that gap becomes the pending walk and an older unfinished one is given up for it: newer items
// matter more, and listings serve only so far back.

/** Whether the API said its rate-limit window is spent: shared by every walk of one source's pass. */
export interface RateWindow {
  spent: boolean;
}

/** Pages a walk may still read this pass. */
export interface PageBudget {
  left: number;
  window: RateWindow;
}

export const pageBudget = (pages: number, window: RateWindow = { spent: false }): PageBudget => ({ left: pages, window });

export const canRead = (budget: PageBudget): boolean => budget.left > 0 && !budget.window.spent;

/** One answer: its items, newest first, and the token of the next (older) page; null at the end. */
export interface Page<Item, Token> {
  items: readonly Item[];
  next: Token | null;
}

/** A walk left unfinished: where to read on, and the mark it stops at (null: only the horizon). */
export interface PendingWalk<Token, Mark> {
  token: Token;
  stopAt: Mark | null;
}

/** What a listing keeps in its source's cursor. */
export interface WalkCursor<Token, Mark> {
  /** The newest mark seen (a fullname, a time): the next walk from the top stops there. */
  newest: Mark | null;
  pending: PendingWalk<Token, Mark> | null;
}

export const FRESH_WALK: WalkCursor<never, never> = { newest: null, pending: null };

export interface NewestFirstListing<Item, Token, Mark> {
  budget: PageBudget;
  /** Reads one page: the top when `token` is null. */
  read(token: Token | null): Promise<Page<Item, Token>>;
  /** The item's position in the listing (grows towards the top). */
  mark(item: Item): Mark;
  compare(a: Mark, b: Mark): number;
  /** True for an item older than the catch-up horizon: the walk ends there, the item is not taken. */
  beforeHorizon(item: Item): boolean;
  /** Where a walk from the top stops, given the newest mark seen (e.g. a time less an overlap for a lagging index). Default: that mark. */
  stopFor?(newest: Mark): Mark;
  /** Called for each item above the stop and the horizon, newest first; the caller dedupes. */
  take(item: Item): void;
}

interface WalkResult<Token, Mark> {
  newest: Mark | null;
  /** Where to read on; null when the walk finished. */
  next: PendingWalk<Token, Mark> | null;
}

async function walk<Item, Token, Mark>(
  listing: NewestFirstListing<Item, Token, Mark>,
  from: { token: Token | null; stopAt: Mark | null },
): Promise<WalkResult<Token, Mark>> {
  const { budget, compare } = listing;
  let token = from.token;
  let newest: Mark | null = null;
  while (canRead(budget)) {
    budget.left -= 1;
    const page = await listing.read(token);
    let finished = page.items.length === 0 || page.next === null;
    for (const item of page.items) {
      const mark = listing.mark(item);
      if (newest === null || compare(mark, newest) > 0) newest = mark;
      if ((from.stopAt !== null && compare(mark, from.stopAt) <= 0) || listing.beforeHorizon(item)) {
        finished = true;
        continue;
      }
      listing.take(item);
    }
    if (finished || page.next === null) return { newest, next: null };
    token = page.next;
  }
  return { newest, next: token === null ? null : { token, stopAt: from.stopAt } };
}

/** One pass over a listing: what is new since `cursor`, then as much of an unfinished walk as the budget allows. */
export async function pollNewestFirst<Item, Token, Mark>(
  listing: NewestFirstListing<Item, Token, Mark>,
  cursor: WalkCursor<Token, Mark>,
): Promise<WalkCursor<Token, Mark>> {
  if (!canRead(listing.budget)) return cursor;
  const later = (a: Mark | null, b: Mark | null): Mark | null => (a === null ? b : b === null ? a : listing.compare(b, a) > 0 ? b : a);
  const stopAt = cursor.newest === null ? null : (listing.stopFor?.(cursor.newest) ?? cursor.newest);
  const head = await walk(listing, { token: null, stopAt });
  const newest = later(cursor.newest, head.newest);
  if (head.next) return { newest, pending: head.next };
  if (!cursor.pending || !canRead(listing.budget)) return { newest, pending: cursor.pending };
  const rest = await walk(listing, cursor.pending);
  return { newest, pending: rest.next };
}

/**
 * Only the unfinished walk, as far as the budget allows: for an API that reads what is new another
 * way (Mastodon forward from the newest id with `min_id`). Null when the walk finished.
 */
export async function continueWalk<Item, Token, Mark>(
  listing: NewestFirstListing<Item, Token, Mark>,
  pending: PendingWalk<Token, Mark>,
): Promise<PendingWalk<Token, Mark> | null> {
  if (!canRead(listing.budget)) return pending;
  return (await walk(listing, pending)).next;
}
