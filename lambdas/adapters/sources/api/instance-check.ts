// What a source learns about its instance once (Mastodon's hashtag feed access, Lemmy's API version)
// is kept in its cursor and read again a day later: instances upgrade and change their settings.

import { DAY_MS } from '../../../core/time.ts';

/** The check kept in the cursor while it is under a day old; null when it is due again. */
export function freshCheck<T extends { checkedAt: string }>(check: T | null, now: Date): T | null {
  return check !== null && now.getTime() - Date.parse(check.checkedAt) < DAY_MS ? check : null;
}
