// The query API as the page reads it: same origin, paths relative to the page. Types mirror the
// JSON the API documents; an error body ({"error": "..."}) becomes the message the page shows.

export type Label = 'positive' | 'negative' | 'neutral';

export interface TrendBucket {
  topic: string;
  source: string | null;
  bucketStart: string;
  posts: number;
  petitionMentions: number;
  positive: number;
  negative: number;
  neutral: number;
  sentimentSum: number;
  sentimentMean: number;
}

export interface Alert {
  topic: string;
  topicName: string;
  kind: string;
  windowStart: string;
  windowEnd: string;
  count: number;
  baseline: number;
  threshold: number;
  pValue: number;
  sentimentMean: number;
  positive: number;
  negative: number;
  neutral: number;
  topPosts: { title: string; link: string | null; score: number; petition: boolean }[];
  status: 'pending' | 'sent';
  sentAt: string | null;
}

export interface SourceStatus {
  sourceId: string;
  type: string;
  health: 'ok' | 'failing' | 'needs-credentials' | 'never-polled';
  lastSuccess: string | null;
  lastAttempt: string | null;
  lastError: string | null;
  lastErrorKind: string | null;
  consecutiveFailures: number;
  itemsSeen: number;
  retryAfter: string | null;
  rejected: number;
  lastRejection: string | null;
  detail: string | null;
}

export interface PostItem {
  id: string;
  title: string;
  text: string;
  link: string | null;
  author: string | null;
  sources: string[];
  published: string | null;
  bucketStart: string;
  topics: string[];
  petition: boolean;
  score: number;
  label: Label;
}

export interface PostsPage {
  posts: PostItem[];
  next: string | null;
}

export interface MonitorConfig {
  topics: { id: string; name: string }[];
  sources: { id: string; type: string; topics: string[] }[];
}

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
  config: () => get<MonitorConfig>('config'),
  trends: (params: Params) => get<TrendBucket[]>('trends', params),
  alerts: (params: Params) => get<Alert[]>('alerts', params),
  sources: () => get<SourceStatus[]>('sources'),
  posts: (params: Params) => get<PostsPage>('posts', params),
};
