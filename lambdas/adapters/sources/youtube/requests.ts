// Requests to the YouTube Data API v3, each counted in quota units as Google bills them
// (developers.google.com/youtube/v3/determine_quota_cost: every request costs its method's units,
// "including invalid requests"), and its refusals read from Google's error body (`error.errors[0]
// .reason`) into what the user should do. A used-up daily quota defers the source to the reset.

import { FetchError } from '../../../core/errors.ts';
import type { Fetcher } from '../../../core/ports.ts';
import { getJson, type AccessHints } from '../api/json.ts';
import { unexpectedAnswer } from '../api/shape.ts';
import { nextPacificMidnight } from './quota-reset.ts';
import { errorBodySchema, listSchema } from './wire.ts';

export const YOUTUBE_API = 'https://www.googleapis.com';

/** The list methods this source calls, and what each costs in quota units. */
export const QUOTA_COST = { commentThreads: 1, comments: 1, search: 100, videos: 1 } as const;
export type ListMethod = keyof typeof QUOTA_COST;

/** A refusal the API explained: `reason` is Google's (commentsDisabled, videoNotFound, quotaExceeded, …). */
export class YoutubeApiError extends FetchError {
  override name = 'YoutubeApiError';
  constructor(
    readonly reason: string | null,
    message: string,
    details: FetchError['details'],
    options?: { cause?: unknown },
  ) {
    super('http-status', message, details, options);
  }
}

export interface ListPage {
  items: unknown[];
  next: string | null;
  url: string;
}

export interface YoutubeApi {
  /** One page of a list method; `subject` names what was asked for in errors ("video abc", "channel UC…"). */
  list(method: ListMethod, params: Record<string, string>, subject: string): Promise<ListPage>;
  /** Quota units this pass has used so far. */
  unitsUsed(): number;
}

const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
const KEY_REASONS = new Set(['keyInvalid', 'keyExpired', 'API_KEY_INVALID', 'API_KEY_EXPIRED']);

export function createYoutubeApi(fetcher: Fetcher, key: string, baseUrl: string | undefined, now: Date): YoutubeApi {
  const base = (baseUrl ?? YOUTUBE_API).replace(/\/+$/, '');
  let units = 0;
  return {
    unitsUsed: () => units,
    async list(method, params, subject) {
      const url = `${base}/youtube/v3/${method}?${new URLSearchParams(params)}`;
      units += QUOTA_COST[method];
      let answer;
      try {
        // The key goes in a header, not the query string: URLs end up in error messages and logs.
        answer = await getJson(fetcher, { url, headers: { 'X-Goog-Api-Key': key } }, hintsFor(subject));
      } catch (error) {
        throw error instanceof FetchError ? explained(error, subject, now, units) : error;
      }
      const list = listSchema.safeParse(answer.data);
      if (!list.success) throw unexpectedAnswer(answer.url, `no "items" list (expected a youtube#${method.replace(/s$/, '')}ListResponse)`);
      return { items: list.data.items, next: list.data.nextPageToken ?? null, url: answer.url };
    },
  };
}

function hintsFor(subject: string): AccessHints {
  return {
    unauthorized: `YouTube refused access to ${subject}: check YOUTUBE_API_KEY, that the YouTube Data API v3 is enabled for its project, and the key's restrictions`,
    notFound: `YouTube does not know ${subject}: check the id (deleted and private videos answer 404)`,
  };
}

/** Google's reasons for a refusal: `errors[].reason`, and the newer `details[].reason` (ErrorInfo). */
function reasonsIn(body: string | undefined): { reasons: string[]; message: string | null } {
  if (!body) return { reasons: [], message: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { reasons: [], message: null };
  }
  const error = errorBodySchema.safeParse(parsed);
  if (!error.success) return { reasons: [], message: null };
  const { errors = [], details = [], message } = error.data.error;
  const reasons = [...errors.map((e) => e.reason), ...details.map((d) => d.reason)].filter((r): r is string => !!r);
  return { reasons, message: message ? message.replace(/<[^>]*>/g, '') : null };
}

/** A failed request as the user should read it; a used-up quota defers the source until it resets. */
function explained(error: FetchError, subject: string, now: Date, units: number): FetchError {
  const { reasons, message } = reasonsIn(error.details.body);
  const reason = reasons[0] ?? null;
  const said = message ? ` ("${message}")` : '';
  // getJson's generic access hint is replaced by the one the reason calls for.
  const head = `HTTP ${error.details.status ?? '?'} from ${error.details.url ?? subject}`;
  const details = { ...error.details };
  delete details.body;
  const fail = (text: string, extra: Partial<FetchError['details']> = {}) =>
    new YoutubeApiError(reason, text, { ...details, ...extra }, { cause: error });

  const quota = reasons.find((r) => QUOTA_REASONS.has(r));
  if (quota) {
    const reset = nextPacificMidnight(now);
    return new YoutubeApiError(
      quota,
      `YouTube API daily quota used up (${quota}, after ${units} units this pass): the source waits for the reset at midnight Pacific time, ${reset.toISOString()}; a project has 10,000 units a day unless Google granted more`,
      { ...details, retryAfterMs: reset.getTime() - now.getTime() },
      { cause: error },
    );
  }
  if (reasons.some((r) => KEY_REASONS.has(r)) || /api key not valid/i.test(message ?? '')) {
    return fail(`${head}: YouTube refused the API key${said}; check YOUTUBE_API_KEY (Google Cloud console → APIs & Services → Credentials)`);
  }
  if (reasons.includes('accessNotConfigured') || reasons.includes('SERVICE_DISABLED')) {
    return fail(`${head}: the YouTube Data API v3 is not enabled for the key's project${said}; enable it in Google Cloud console → APIs & Services → Library`);
  }
  if (reason === 'commentsDisabled') return fail(`comments are turned off on ${subject}`);
  if (reason === 'videoNotFound') return fail(`${head}: YouTube does not know ${subject}${said}; check the id in "videos" (deleted and private videos answer 404)`);
  if (reason === 'channelNotFound') return fail(`${head}: YouTube does not know ${subject}${said}; check "channel" (a channel id: "UC" and 22 characters)`);
  if (reason === 'forbidden' || reasons.some((r) => /^(ipRefererBlocked|API_KEY_(HTTP_REFERRER|IP_ADDRESS|SERVICE)_BLOCKED)$/.test(r))) {
    return fail(`${head}: YouTube refused access to ${subject}${said}; check the key's restrictions (it must allow the YouTube Data API v3, and no referrer or app restriction may exclude this server)`);
  }
  if (reason !== null) return fail(`${head} (${reason})${said}`);
  return error;
}
