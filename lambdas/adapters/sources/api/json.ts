// What every API source type (reddit, mastodon, discourse, lemmy, hackernews) does with a request:
// a polite GET through the shared fetcher, JSON that must parse, and access errors that say what
// to check for this kind of source.

import { FetchError } from '../../../core/errors.ts';
import type { FetchRequest, FetchResponse, Fetcher } from '../../../core/ports.ts';

export interface ApiAnswer {
  data: unknown;
  /** Response headers, lower-case names (rate limits, paging). */
  headers: Record<string, string>;
  url: string;
}

/** What to check when the API refuses access (401/403) or does not know the resource (404). */
export interface AccessHints {
  unauthorized: string;
  notFound: string;
}

/** A GET through the shared fetcher whose 401/403/404 failures say what to check (`hints`). */
export async function getWithHints(fetcher: Fetcher, request: FetchRequest, hints: AccessHints): Promise<FetchResponse> {
  try {
    return await fetcher.get(request);
  } catch (error) {
    const status = error instanceof FetchError ? error.details.status : undefined;
    if (error instanceof FetchError && (status === 401 || status === 403)) {
      throw new FetchError('http-status', `${error.message}: ${hints.unauthorized}`, error.details, { cause: error });
    }
    if (error instanceof FetchError && status === 404) {
      throw new FetchError('http-status', `${error.message}: ${hints.notFound}`, error.details, { cause: error });
    }
    throw error;
  }
}

export async function getJson(fetcher: Fetcher, request: FetchRequest, hints: AccessHints): Promise<ApiAnswer> {
  const response = await getWithHints(fetcher, { accept: 'application/json', ...request }, hints);
  if (response.notModified) return { data: null, headers: {}, url: response.url };
  try {
    return { data: JSON.parse(response.body.toString('utf8')), headers: response.headers, url: response.url };
  } catch (cause) {
    throw new FetchError('not-a-feed', `not JSON from ${response.url}: ${(cause as Error).message}`, { url: response.url }, { cause });
  }
}
