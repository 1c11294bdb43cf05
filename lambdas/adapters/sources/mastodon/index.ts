// The `mastodon` source type: a hashtag's public timeline on one instance, optionally with up to four
// more tags (`any[]`), GET /api/v1/timelines/tag/:hashtag (https://docs.joinmastodon.org/methods/timelines/#tag),
// with an access token when the instance shows hashtag feeds only to logged-in users (instance.ts).
//
// Timelines are newest first; status ids grow with time. A first run reads from the top and pages
// back with `max_id` to the 30-day catch-up horizon (the shared newest-first walk). Later runs read
// forward with `min_id` from the newest id seen: `min_id` answers the statuses immediately newer than
// it, so paging forward leaves no gap however much is new (`since_id` would answer the newest ones and
// skip the middle). Either way at most `pagesPerPass` pages per pass; an unfinished catch-up is kept
// in the cursor and continued on the next pass, after that pass has read what is new.

import { z } from 'zod';
import type { SourceOf } from '../../../config/schema.ts';
import { FetchError } from '../../../core/errors.ts';
import type { Fetcher, Source } from '../../../core/ports.ts';
import type { Post } from '../../../core/types.ts';
import { credentialValues, requireCredentials, type SourceCredentials } from '../api/credentials.ts';
import { cursorPoll, readCursorAs } from '../api/cursor.ts';
import { catchUpHorizonMs } from '../api/horizon.ts';
import { compareIds, earlierId, laterId } from '../api/ids.ts';
import { freshCheck } from '../api/instance-check.ts';
import { getJson, type AccessHints } from '../api/json.ts';
import { rateLimitSpent } from '../api/rate-limit.ts';
import { createRejectionCounter, readItems } from '../api/rejections.ts';
import { canRead, continueWalk, pageBudget, pollNewestFirst, type NewestFirstListing } from '../api/walk.ts';
import { checkInstance, describeAccess, feedAccess, instanceCheckSchema, type HashtagFeedsAccess } from './instance.ts';
import { statusName, statusSchema, statusToPost, type Status } from './status.ts';

/** The most a timeline page holds. */
export const MASTODON_PAGE_SIZE = 40;
/** Pages read per pass unless the source is told otherwise. */
export const MASTODON_PAGES_PER_PASS = 10;
/** Where the access token is unless the source names another variable (`tokenEnv`). */
export const MASTODON_TOKEN_ENV = 'MASTODON_TOKEN';

export type MastodonSourceConfig = Pick<SourceOf<'mastodon'>, 'id' | 'instance' | 'tag'> & Partial<Pick<SourceOf<'mastodon'>, 'any' | 'tokenEnv'>>;

export interface MastodonSourceOptions {
  /** Pages read per pass (a page holds up to 40 statuses). @default 10 */
  pagesPerPass?: number;
  /** Where the access token is looked up, by `tokenEnv`. @default none */
  credentials?: SourceCredentials;
}

// The cursor (SourceState.cursor), JSON: the newest status id seen (read forward from it), an
// unfinished catch-up (continue back from `maxId`), null when there is none, and what the instance
// said about its hashtag feeds (absent from cursors written before it was read: checked then).
const cursorSchema = z.object({
  v: z.literal(1),
  /** What the cursor is for: a changed instance or tag starts over. */
  for: z.string(),
  newest: z.string().nullable(),
  backfill: z.object({ maxId: z.string() }).nullable(),
  instance: instanceCheckSchema.nullable().default(null),
});
type MastodonCursor = z.output<typeof cursorSchema>;

export function createMastodonSource(config: MastodonSourceConfig, fetcher: Fetcher, options: MastodonSourceOptions = {}): Source {
  const instance = config.instance.replace(/\/+$/, '');
  const pagesPerPass = options.pagesPerPass ?? MASTODON_PAGES_PER_PASS;
  const anyTags = config.any ?? [];
  const tokenEnv = config.tokenEnv ?? MASTODON_TOKEN_ENV;
  const token = credentialValues(options.credentials ?? {}, [tokenEnv])?.[tokenEnv] ?? null;
  // Hashtags are case-insensitive on Mastodon: #SaveBoschLegacy and #savebosCHlegacy are one timeline.
  const extra = anyTags.length === 0 ? '' : `?any=${anyTags.map((t) => t.toLowerCase()).sort().join(',')}`;
  const target = `${instance}/tags/${config.tag.toLowerCase()}${extra}`;
  const tags = [config.tag, ...anyTags].map((t) => `#${t}`).join(', ');
  const howToLogIn = `an access token with the read:statuses scope from an account on ${instance} (Preferences → Development → New application)`;
  const headers = token === null ? undefined : { authorization: `Bearer ${token}` };

  /** What to check when the timeline is refused (401/403), given what the instance said about its hashtag feeds. */
  function hintsFor(access: HashtagFeedsAccess | null): AccessHints {
    let unauthorized = `${instance} refused the token in ${tokenEnv}: check that it is a current access token of an account there with the read:statuses scope`;
    if (token === null && access !== null && feedAccess(access) === 'staff') {
      unauthorized = `hashtag feeds are disabled on ${instance} (${describeAccess(access)}): only its staff can read them; pick another instance for #${config.tag}`;
    } else if (token === null) {
      unauthorized = `${instance} shows hashtag timelines only to logged-in users (its public preview is turned off), or blocks this client: set ${tokenEnv} to ${howToLogIn}, or pick an instance that shows #${config.tag} publicly`;
    }
    return {
      unauthorized,
      notFound: `check "instance" (${instance}: a Mastodon server's root URL, e.g. https://mastodon.social) and "tag" (${config.tag}, without "#")`,
    };
  }

  /**
   * How the source reads, for health. Fails first, with nothing requested of the timeline, when the
   * instance said its hashtag feeds need a login and no token is set.
   */
  function readerFor(access: HashtagFeedsAccess | null): string {
    const detail = `reads ${tags} ${token === null ? 'without a login' : `with the token in ${tokenEnv}`}`;
    if (access === null) return detail;
    const kind = feedAccess(access);
    if (kind === 'login') {
      requireCredentials(options.credentials ?? {}, [tokenEnv], `${instance} shows hashtag feeds only to logged-in users (${describeAccess(access)}): ${howToLogIn}`);
    }
    if (kind === 'staff') return `${detail}; hashtag feeds are disabled on ${instance} (${describeAccess(access)}): only its staff see them, so the timeline may stay empty`;
    if (access.remote === 'disabled') return `${detail}; only posts made on ${instance}: it shows other servers' posts in hashtag feeds only to its staff`;
    return detail;
  }

  function timelineUrl(param: { max_id?: string; min_id?: string }): string {
    const params = new URLSearchParams({ limit: String(MASTODON_PAGE_SIZE), ...param });
    for (const tag of anyTags) params.append('any[]', tag);
    return `${instance}/api/v1/timelines/tag/${encodeURIComponent(config.tag)}?${params}`;
  }

  return {
    id: config.id,
    async poll(state, now) {
      const horizonMs = catchUpHorizonMs(now);
      const previous = readCursorAs(state.cursor, cursorSchema, target);
      const check = freshCheck(previous?.instance ?? null, now) ?? (await checkInstance(fetcher, instance, now));
      const detail = readerFor(check.hashtagFeeds);
      const hints = hintsFor(check.hashtagFeeds);
      const posts = new Map<string, Post>();
      const rejections = createRejectionCounter();
      const budget = pageBudget(pagesPerPass);

      async function page(param: { max_id?: string; min_id?: string }): Promise<{ statuses: Status[]; size: number }> {
        let answer;
        try {
          answer = await getJson(fetcher, { url: timelineUrl(param), headers }, hints);
        } catch (error) {
          throw refusal(error);
        }
        if (rateLimitSpent(answer.headers)) budget.window.spent = true;
        if (!Array.isArray(answer.data)) {
          throw new FetchError('not-a-feed', `not a Mastodon timeline from ${answer.url} (expected a JSON array of statuses)`, { url: answer.url });
        }
        return { statuses: readItems(answer.data, statusSchema, rejections, statusName), size: answer.data.length };
      }

      /** A 401 to a reader without a token: the instance wants a login (unless only its staff may read). */
      function refusal(error: unknown): unknown {
        const loginHelps = check.hashtagFeeds === null || feedAccess(check.hashtagFeeds) !== 'staff';
        if (!(error instanceof FetchError) || error.details.status !== 401 || token !== null || !loginHelps) return error;
        return new FetchError('needs-credentials', error.message, error.details, { cause: error });
      }

      function keep(entry: Status): void {
        const post = statusToPost(entry, config.id);
        // A boost is its original seen again: one post, however often it shows up.
        if (!posts.has(post.id)) posts.set(post.id, post);
      }

      const back: NewestFirstListing<Status, string, string> = {
        budget,
        async read(maxId) {
          const { statuses } = await page(maxId === null ? {} : { max_id: maxId });
          return { items: statuses, next: statuses.reduce<string | null>((oldest, s) => earlierId(oldest, s.id), null) };
        },
        mark: (entry) => entry.id,
        compare: compareIds,
        beforeHorizon: (entry) => Date.parse(entry.created_at) < horizonMs,
        take: keep,
      };

      let newest = previous?.newest ?? null;
      let backfill = previous?.backfill ?? null;
      if (newest === null) {
        // First run (or nothing seen yet): from the top, back to the horizon.
        const walked = await pollNewestFirst(back, { newest: null, pending: null });
        newest = walked.newest;
        backfill = walked.pending && { maxId: walked.pending.token };
      } else {
        // Forward from the newest id seen until caught up: a short page is the end.
        let after = newest;
        while (canRead(budget)) {
          budget.left -= 1;
          const { statuses, size } = await page({ min_id: after });
          for (const entry of statuses) {
            after = laterId(after, entry.id) ?? after;
            if (!back.beforeHorizon(entry)) keep(entry);
          }
          if (size < MASTODON_PAGE_SIZE) break;
        }
        newest = after;
        if (backfill) {
          const rest = await continueWalk(back, { token: backfill.maxId, stopAt: null });
          backfill = rest && { maxId: rest.token };
        }
      }

      const cursor: MastodonCursor = { v: 1, for: target, newest, backfill, instance: check };
      return cursorPoll({ posts: [...posts.values()], cursor, rejections, detail });
    },
  };
}
