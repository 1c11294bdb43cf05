// The shared newest-first walk over a simulated listing: items arrive between passes, a pass reads a
// few pages, and across passes every item above the horizon is taken exactly once.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { continueWalk, FRESH_WALK, pageBudget, pollNewestFirst, type WalkCursor } from '../../../../lambdas/adapters/sources/api/walk.ts';

interface Item {
  id: number;
}

/** A listing of ids (higher = newer), newest first, `size` a page, paged by the last id of a page. */
function listing(items: () => number[], size: number) {
  return (token: number | null) => {
    const all = [...items()].sort((a, b) => b - a);
    const start = token === null ? 0 : all.findIndex((id) => id < token);
    const page = start < 0 ? [] : all.slice(start, start + size);
    const more = start >= 0 && start + size < all.length;
    return Promise.resolve({ items: page.map((id) => ({ id })), next: more ? page[page.length - 1]! : null });
  };
}

async function pass(items: number[], cursor: WalkCursor<number, number>, pages: number, size: number, horizon: number, taken: number[]) {
  return pollNewestFirst<Item, number, number>(
    {
      budget: pageBudget(pages),
      read: listing(() => items, size),
      mark: (item) => item.id,
      compare: (a, b) => a - b,
      beforeHorizon: (item) => item.id < horizon,
      take: (item) => void taken.push(item.id),
    },
    cursor,
  );
}

describe('pollNewestFirst', () => {
  it('takes every item above the horizon exactly once across passes, whatever the budget, while items arrive no faster than a pass reads', async () => {
    await fc.assert(
      fc.asyncProperty(
        // A pass spends a page on what is new: a walk left unfinished goes on with the rest.
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 20 }),
        async (pages, size, backlog, arrivals, horizon) => {
          const items = Array.from({ length: backlog }, (_, i) => i);
          let next = backlog;
          const taken: number[] = [];
          let cursor: WalkCursor<number, number> = FRESH_WALK;
          for (const arriving of arrivals) {
            // New items fit into one pass's head walk, so no gap is ever given up.
            for (let i = 0; i < Math.min(arriving, Math.max(0, pages * size - 1)); i += 1) items.push(next++);
            cursor = await pass(items, cursor, pages, size, horizon, taken);
          }
          // Quiet passes until the backlog is read.
          for (let i = 0; i < backlog + 2 && cursor.pending; i += 1) cursor = await pass(items, cursor, pages, size, horizon, taken);
          expect(cursor.pending).toBeNull();
          expect([...taken].sort((a, b) => a - b)).toEqual(items.filter((id) => id >= horizon).sort((a, b) => a - b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps an unfinished walk and reads what is new before continuing it', async () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const taken: number[] = [];
    let cursor = await pass(items, FRESH_WALK, 2, 2, 0, taken);
    expect(taken).toEqual([9, 8, 7, 6]);
    expect(cursor).toEqual({ newest: 9, pending: { token: 6, stopAt: null } });
    items.push(10);
    cursor = await pass(items, cursor, 2, 2, 0, taken);
    // The new item first (a page that reaches 9 ends that walk), then one page of the old walk.
    expect(taken.slice(4)).toEqual([10, 5, 4]);
    expect(cursor).toEqual({ newest: 10, pending: { token: 4, stopAt: null } });
  });

  it('reads nothing and keeps the cursor when the rate-limit window is spent', async () => {
    const taken: number[] = [];
    const cursor = { newest: 3, pending: null };
    const result = await pollNewestFirst<Item, number, number>(
      {
        budget: pageBudget(5, { spent: true }),
        read: () => Promise.reject(new Error('must not read')),
        mark: (item) => item.id,
        compare: (a, b) => a - b,
        beforeHorizon: () => false,
        take: (item) => void taken.push(item.id),
      },
      cursor,
    );
    expect(result).toBe(cursor);
    expect(taken).toEqual([]);
  });
});

describe('continueWalk', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  const listed = (budget: number, taken: number[]) => ({
    budget: pageBudget(budget),
    read: listing(() => items, 3),
    mark: (item: Item) => item.id,
    compare: (a: number, b: number) => a - b,
    beforeHorizon: (item: Item) => item.id < 2,
    take: (item: Item) => void taken.push(item.id),
  });

  it('reads on from an unfinished walk only, never from the top, until the horizon', async () => {
    const taken: number[] = [];
    // Pages below 7: [6 5 4], [3 2 1]; the second reaches the horizon (1 is not taken).
    expect(await continueWalk(listed(1, taken), { token: 7, stopAt: null })).toEqual({ token: 4, stopAt: null });
    expect(await continueWalk(listed(5, taken), { token: 4, stopAt: null })).toBeNull();
    expect(taken).toEqual([6, 5, 4, 3, 2]);
  });

  it('reads nothing and keeps the walk when the budget is spent', async () => {
    const taken: number[] = [];
    const spent = listed(0, taken);
    expect(await continueWalk(spent, { token: 7, stopAt: null })).toEqual({ token: 7, stopAt: null });
    expect(taken).toEqual([]);
  });
});
