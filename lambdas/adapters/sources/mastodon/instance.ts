// Who may read an instance's hashtag feeds. Mastodon 4.5 publishes it in GET /api/v2/instance as
// configuration.timelines_access.hashtag_feeds, for local posts and for posts from other servers:
// `public` (anyone), `authenticated` (logged-in users: an anonymous request is answered 401) or
// `disabled` (only staff with the "View live and topic feeds" permission; others get an empty list, or
// 401 when anonymous). https://docs.joinmastodon.org/entities/Instance/#timelines_access
// Read once per source and checked again daily; an instance that does not say (before 4.5, or
// another server such as Pleroma or GoToSocial) is read as before.

import { z } from 'zod';
import { FetchError } from '../../../core/errors.ts';
import type { Fetcher } from '../../../core/ports.ts';
import { getJson } from '../api/json.ts';

const feedAccessSchema = z.object({ local: z.string(), remote: z.string() });
export type HashtagFeedsAccess = z.output<typeof feedAccessSchema>;

/** What the last look at /api/v2/instance found, kept in the source's cursor. */
export const instanceCheckSchema = z.object({
  checkedAt: z.string(),
  /** Null: the instance does not say. */
  hashtagFeeds: feedAccessSchema.nullable(),
});
export type InstanceCheck = z.output<typeof instanceCheckSchema>;

const instanceSchema = z.object({
  configuration: z.object({ timelines_access: z.object({ hashtag_feeds: feedAccessSchema }) }),
});

export async function checkInstance(fetcher: Fetcher, instance: string, now: Date): Promise<InstanceCheck> {
  const checkedAt = now.toISOString();
  try {
    const answer = await getJson(fetcher, { url: `${instance}/api/v2/instance` }, { unauthorized: '', notFound: '' });
    const parsed = instanceSchema.safeParse(answer.data);
    return { checkedAt, hashtagFeeds: parsed.success ? parsed.data.configuration.timelines_access.hashtag_feeds : null };
  } catch (error) {
    // A rate limit holds for the timeline too: defer the source. Anything else (404 from an older
    // or other server, an error page) only means the instance does not say: the timeline tells.
    if (error instanceof FetchError && error.details.status === 429) throw error;
    return { checkedAt, hashtagFeeds: null };
  }
}

/**
 * What a reader can expect of the hashtag feeds: `open` (anyone, or the instance does not say),
 * `login` (a logged-in user reads them, or part of them), `staff` (disabled for everyone else).
 */
export function feedAccess(access: HashtagFeedsAccess | null): 'open' | 'login' | 'staff' {
  if (access === null || (access.local === 'public' && access.remote === 'public')) return 'open';
  return access.local === 'disabled' && access.remote === 'disabled' ? 'staff' : 'login';
}

/** The instance's setting as a short clause for health and errors, e.g. "local posts public, remote posts authenticated". */
export const describeAccess = (access: HashtagFeedsAccess): string => `local posts ${access.local}, remote posts ${access.remote}`;
