// Which hour a post counts in (DESIGN.md): its published time, or the first-seen time when it
// has none or claims to be in the future. Posts older than the catch-up horizon are not counted.

import { DAY_MS, hourStart, iso } from './time.ts';

/** Posts up to this old are counted on first sight (older ones are history we never saw live). */
export const CATCH_UP_DAYS = 30;

/** ISO start of the hour the post counts in, or null when it is too old to count. */
export function placePost(published: string | null, now: Date): string | null {
  const nowMs = now.getTime();
  const publishedMs = published ? Date.parse(published) : Number.NaN;
  if (Number.isNaN(publishedMs) || publishedMs > nowMs) return iso(hourStart(nowMs));
  if (publishedMs < nowMs - CATCH_UP_DAYS * DAY_MS) return null;
  return iso(hourStart(publishedMs));
}
