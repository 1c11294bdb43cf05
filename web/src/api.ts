// The query API as the page reads it: same origin, paths relative to the page. The answers' types are
// the server's own (lambdas/query/answers.ts), so a field it renames fails this page's type-check;
// `import type` keeps the server's code out of the bundle. An error body ({"error": "..."}) becomes
// the message the page shows.

import type { AlertWithDeliveries, ConfigAnswer, ListedPost, PostsAnswer, SourceStatus, TrendBucket } from '../../lambdas/query/answers.ts';

// The page's modules take them from here, with the requests.
export type { AlertWithDeliveries, ConfigAnswer, ListedPost, SourceStatus, TrendBucket };

export type Params = Record<string, string | number | boolean | null | undefined>;

export class ApiError extends Error {
  override name = 'ApiError';
}

/** An API address, relative to the page (so a deployed API behind a stage path works too). */
const apiUrl = (path: string, params: Params = {}): URL => {
  const url = new URL(path, document.baseURI);
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined) url.searchParams.set(name, String(value));
  return url;
};

const ask = (url: URL) => fetch(url, { headers: { accept: 'application/json' } });

// Requests boot.js started before this script was loaded, by address: the page's first request
// for the same address takes its answer over (once) instead of asking again.
type Early = Map<string, Promise<Response>>;
const early = (): Early => ((globalThis as { fanpulseEarly?: Early }).fanpulseEarly ??= new Map());

/** Starts a GET now, for `get` to take over later (boot.ts, for the first view's data). */
export function prefetch(path: string, params: Params = {}): void {
  const url = apiUrl(path, params);
  const response = ask(url);
  // Its failure is reported by the `get` that takes it over, not as an unhandled rejection here.
  response.catch(() => undefined);
  early().set(url.href, response);
}

function takeEarly(url: URL): Promise<Response> | undefined {
  const response = early().get(url.href);
  early().delete(url.href);
  return response;
}

async function get<T>(path: string, params: Params = {}): Promise<T> {
  const url = apiUrl(path, params);
  let response: Response;
  try {
    response = await (takeEarly(url) ?? ask(url));
  } catch {
    throw new ApiError(`cannot reach the server for ${path}: is fanpulse serve still running?`);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
    throw new ApiError(`${path}: ${typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`}`);
  }
  return (await response.json()) as T;
}

export const api = {
  config: () => get<ConfigAnswer>('config'),
  trends: (params: Params) => get<TrendBucket[]>('trends', params),
  alerts: (params: Params) => get<AlertWithDeliveries[]>('alerts', params),
  sources: () => get<SourceStatus[]>('sources'),
  posts: (params: Params) => get<PostsAnswer>('posts', params),
};
