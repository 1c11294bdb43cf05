// The polite HTTP GET every source type shares (STYLE.md practice 2), on Node's built-in fetch:
// conditional GET, a timeout over headers and body, a size cap on the decoded body, redirects
// followed by hand, Retry-After on 429/503, a per-host concurrency limit, and failures sorted
// into FetchError kinds that `fanpulse sources` can show.

import { STATUS_CODES } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { FetchError } from '../core/errors.ts';
import type { FetchRequest, FetchResponse, Fetcher } from '../core/ports.ts';
import { createHostLimiter } from './host-limiter.ts';

export interface HttpFetcherOptions {
  /** Budget for one request/response exchange, from sending the request to the last body byte. */
  timeoutMs: number;
  /** Largest body accepted, counted after decompression. */
  maxBytes: number;
  /** Requests in flight at once to one host (host name and port). */
  perHostConcurrency: number;
  userAgent: string;
  /** @default 5 */
  maxRedirects?: number;
  /** The longest Retry-After we sleep through before one retry; longer waits are reported instead. @default 10_000 */
  maxRetryWaitMs?: number;
  /** How to wait for a Retry-After; injectable so tests need not wait. @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** Stops every request in flight and refuses new ones (the CLI's Ctrl-C): a stopped pass ends promptly. */
  signal?: AbortSignal;
}

/** Sent when the source does not ask for something narrower. */
export const DEFAULT_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml, text/xml;q=0.9, */*;q=0.8';

const ACCEPT_ENCODING = 'gzip, deflate, br';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const RETRY_AFTER_STATUSES = new Set([429, 503]);
/** How much of an error answer is kept: enough for an API's own error name and message (XRPC's {error, message}, YouTube's reasons). */
const ERROR_BODY_BYTES = 16_384;

/** What a POST sends; null for a GET. */
type PostBody = { body?: URLSearchParams | string; contentType?: string } | null;

/** What one hop answered: a finished response, or where to go next. */
type HopResult = { kind: 'done'; response: FetchResponse } | { kind: 'redirect'; status: number; location: string };

export function createHttpFetcher(options: HttpFetcherOptions): Fetcher {
  const maxRedirects = options.maxRedirects ?? 5;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => delay(ms, undefined, { signal: options.signal }));
  const limiter = createHostLimiter(options.perHostConcurrency);

  async function get(request: FetchRequest): Promise<FetchResponse> {
    try {
      return await getFollowingRedirects(request);
    } catch (error) {
      if (!(error instanceof FetchError) || !RETRY_AFTER_STATUSES.has(error.details.status ?? 0)) throw error;
      const wait = error.details.retryAfterMs;
      if (wait === undefined || wait > maxRetryWaitMs) throw error;
      // A short, announced pause is cheaper than skipping the source for a whole poll interval; once only,
      // so a server that keeps saying "later" gets its wait reported to the caller instead.
      await sleep(wait);
      return await getFollowingRedirects(request);
    }
  }

  async function getFollowingRedirects(request: FetchRequest): Promise<FetchResponse> {
    const post = postBody(request);
    const headers = requestHeaders(request, options.userAgent, post);
    // The caller's own headers (an API key, a bearer token) are for the origin asked: a redirect to
    // another origin gets the plain request, as browsers drop Authorization on such a hop.
    const elsewhere = requestHeaders({ ...request, headers: undefined }, options.userAgent, post);
    const start = parseStartUrl(request.url);
    let url = start;
    for (let redirects = 0; ; redirects += 1) {
      const current = url;
      const hopHeaders = current.origin === start.origin ? headers : elsewhere;
      // One slot per hop: a redirect to another host must not hold this host's slot while it waits.
      const hop = await limiter.run(current.host, () => fetchHop(current, hopHeaders, post));
      if (hop.kind === 'done') return hop.response;
      if (post) {
        throw new FetchError('http-status', `HTTP ${hop.status} redirect in answer to a POST to ${current.href}`, { status: hop.status, url: current.href });
      }
      if (redirects >= maxRedirects) {
        throw new FetchError(
          'http-status',
          `too many redirects: more than ${maxRedirects} starting from ${request.url} (last at ${current.href})`,
          { status: hop.status, url: current.href },
        );
      }
      url = resolveLocation(hop.location, current, hop.status);
    }
  }

  async function fetchHop(url: URL, headers: Record<string, string>, post: PostBody): Promise<HopResult> {
    const controller = new AbortController();
    let timedOut = false;
    // One timer for headers and body together: a server that drips bytes is cut off like one that never answers.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    try {
      const response = await fetch(url, {
        headers,
        redirect: 'manual',
        signal: options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal,
        ...(post ? { method: 'POST', body: post.body } : {}),
      });
      const { status } = response;

      if (REDIRECT_STATUSES.has(status)) {
        const location = response.headers.get('location');
        await discardBody(response);
        if (!location) {
          throw new FetchError('http-status', `HTTP ${status} redirect without a Location header from ${url.href}`, {
            status,
            url: url.href,
          });
        }
        return { kind: 'redirect', status, location };
      }
      if (status === 304) {
        await discardBody(response);
        return { kind: 'done', response: { notModified: true, url: url.href } };
      }
      if (status < 200 || status > 299) {
        throw statusError(response, url, await readErrorBody(response));
      }

      // Content-Length counts the bytes on the wire (compressed, if encoded); more than the cap is refused
      // before reading. The decoded count below is what actually bounds memory.
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (declared > options.maxBytes) {
        await discardBody(response);
        controller.abort();
        throw tooLarge(url, `declares ${declared} bytes`, options.maxBytes);
      }
      const body = await readCapped(response, url, options.maxBytes, controller);
      return {
        kind: 'done',
        response: {
          notModified: false,
          url: url.href,
          status,
          body,
          contentType: response.headers.get('content-type'),
          etag: response.headers.get('etag'),
          lastModified: response.headers.get('last-modified'),
          headers: Object.fromEntries(response.headers),
        },
      };
    } catch (error) {
      if (options.signal?.aborted) throw new FetchError('network', `stopped before ${url.href} answered`, { url: url.href }, { cause: error });
      if (timedOut) {
        throw new FetchError('timeout', `no complete response within ${options.timeoutMs} ms from ${url.href}`, { url: url.href }, {
          cause: error,
        });
      }
      if (error instanceof FetchError) throw error;
      throw transportError(error, url);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async get(request) {
      try {
        return await get(request);
      } catch (error) {
        // The port promises FetchError only; anything else here is a surprise, reported as a network failure.
        if (error instanceof FetchError) throw error;
        throw new FetchError('network', `could not fetch ${request.url}: ${rootMessage(error)}`, { url: request.url }, { cause: error });
      }
    },
  };
}

function postBody(request: FetchRequest): PostBody {
  if (request.form) return { body: new URLSearchParams(request.form) };
  if (request.json !== undefined) return { body: JSON.stringify(request.json), contentType: 'application/json' };
  return request.method === 'POST' ? {} : null;
}

function requestHeaders(request: FetchRequest, userAgent: string, post: PostBody): Record<string, string> {
  const headers: Record<string, string> = {
    'User-Agent': userAgent,
    Accept: request.accept ?? DEFAULT_ACCEPT,
    'Accept-Encoding': ACCEPT_ENCODING,
  };
  if (post?.contentType) headers['Content-Type'] = post.contentType;
  if (request.etag) headers['If-None-Match'] = request.etag;
  if (request.lastModified) headers['If-Modified-Since'] = request.lastModified;
  return { ...headers, ...request.headers };
}

function parseStartUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new FetchError('network', `not a valid URL: "${raw}"`, { url: raw }, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('network', `only http and https URLs can be fetched, not "${raw}"`, { url: raw });
  }
  return url;
}

function resolveLocation(location: string, base: URL, status: number): URL {
  let next: URL;
  try {
    // Relative Locations (RFC 9110 §10.2.2) resolve against the URL that answered.
    next = new URL(location, base);
  } catch (error) {
    throw new FetchError('http-status', `HTTP ${status} redirect to an invalid Location "${location}" from ${base.href}`, {
      status,
      url: base.href,
    }, { cause: error });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new FetchError('http-status', `HTTP ${status} redirect to a non-http(s) URL "${next.href}" from ${base.href}`, {
      status,
      url: base.href,
    });
  }
  return next;
}

/** Reads the decoded body, giving up (and closing the stream) as soon as it passes `maxBytes`. */
async function readCapped(response: Response, url: URL, maxBytes: number, controller: AbortController): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // fetch inflates gzip/br as we read, so this also stops a small compressed bomb without inflating the rest.
      await reader.cancel().catch(() => undefined);
      controller.abort();
      throw tooLarge(url, 'sent more', maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** The start of an error answer, as text; what is past ERROR_BODY_BYTES is not read. Undefined when empty or unreadable. */
async function readErrorBody(response: Response): Promise<string | undefined> {
  if (!response.body) return undefined;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    // A body cut off mid-way still leaves the status to report.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
  return text === '' ? undefined : text;
}

async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function tooLarge(url: URL, what: string, maxBytes: number): FetchError {
  return new FetchError('too-large', `response from ${url.href} ${what} than the ${maxBytes}-byte limit`, { url: url.href });
}

function statusError(response: Response, url: URL, body: string | undefined): FetchError {
  const { status } = response;
  const reason = response.statusText || STATUS_CODES[status] || '';
  const retryAfterMs = RETRY_AFTER_STATUSES.has(status) ? parseRetryAfter(response.headers.get('retry-after'), Date.now()) : undefined;
  const details: FetchError['details'] = { status, url: url.href };
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  if (body !== undefined) details.body = body;
  const later = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
  return new FetchError('http-status', `HTTP ${status}${reason ? ` ${reason}` : ''} from ${url.href}${later}`, details);
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse reads bare numbers like "1.5" as dates; an HTTP-date always has a day or month name.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function transportError(error: unknown, url: URL): FetchError {
  const kind = errorCodes(error).some((code) => TIMEOUT_CODES.has(code)) ? 'timeout' : 'network';
  return new FetchError(kind, `could not fetch ${url.href}: ${rootMessage(error)}`, { url: url.href }, { cause: error });
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/** undici reports every transport failure as "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is in `cause`. */
function rootMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  if (current instanceof AggregateError && current.errors.length > 0) {
    // Happy-eyeballs connects fail with one error per address tried.
    return [...new Set(current.errors.map((inner: unknown) => rootMessage(inner)))].join('; ');
  }
  if (current instanceof Error) return current.message || current.name;
  return String(current);
}
