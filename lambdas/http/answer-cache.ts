// Exact answers, remembered: the last answers of the query API by route and resolved parameters,
// each with the store's change count it was read under (store/change-counter.ts). A request reads
// the counter first (one GetItem); when it still reads the count an answer was read under and no
// write is landing, nothing the answer was read from has changed since, so it is given again.
// Otherwise the answer is read afresh, and kept only when no write was landing as it began.

import type { Store } from '../core/ports.ts';

export interface AnswerCacheLimits {
  /** @default 50 */
  answers?: number;
  /** Bodies' characters in all (30 days by hour of every topic is ~2.5 MB). @default 64 Mi */
  chars?: number;
}

interface Kept<T> {
  count: number;
  answer: T;
  chars: number;
}

export interface AnswerCache {
  /** The answer for `key`: the kept one when the store has not changed since it was read, else `read()`'s. */
  answer<T extends { body: string }>(key: string, store: Store, now: Date, read: () => Promise<T>): Promise<T>;
}

export function createAnswerCache({ answers = 50, chars = 64 * 1024 * 1024 }: AnswerCacheLimits = {}): AnswerCache {
  // A Map keeps insertion order: re-inserting on a hit makes its first key the least recently used.
  const kept = new Map<string, Kept<unknown>>();
  let keptChars = 0;

  function drop(key: string) {
    const entry = kept.get(key);
    if (!entry) return;
    kept.delete(key);
    keptChars -= entry.chars;
  }

  return {
    async answer(key, store, now, read) {
      const mark = await store.changeMark(now);
      const entry = kept.get(key);
      if (entry && entry.count === mark.count && !mark.writing) {
        kept.delete(key);
        kept.set(key, entry);
        return entry.answer as Awaited<ReturnType<typeof read>>;
      }
      const answer = await read();
      drop(key);
      // Read while a write was landing: right for this request, not to be given again.
      if (mark.writing || answer.body.length > chars) return answer;
      kept.set(key, { count: mark.count, answer, chars: answer.body.length });
      keptChars += answer.body.length;
      for (const oldest of kept.keys()) {
        if (kept.size <= answers && keptChars <= chars) break;
        drop(oldest);
      }
      return answer;
    },
  };
}
