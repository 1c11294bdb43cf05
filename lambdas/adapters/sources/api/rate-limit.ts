// What the API source types read from an answer's rate-limit headers. Reddit and Mastodon both send
// X-RateLimit-Remaining (Reddit as an approximate float such as "0.0", Mastodon as an integer);
// a source that sees it run out stops paging for this pass and keeps its cursor, so the next pass
// picks up where it stopped instead of walking into a 429.

/** At or below this many requests left in the window, a source stops paging this pass (Reddit's count is approximate). */
const STOP_AT_REMAINING = 1;

/** True when the answer says (about) no requests are left in the current rate-limit window. */
export function rateLimitSpent(headers: Record<string, string>): boolean {
  const raw = headers['x-ratelimit-remaining'];
  if (raw === undefined || raw.trim() === '') return false;
  const remaining = Number(raw);
  return Number.isFinite(remaining) && remaining <= STOP_AT_REMAINING;
}
