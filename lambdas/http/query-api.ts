// The read-only HTTP API: GET /trends, /posts, /alerts, /sources (and /config, what the dashboard
// builds its filters from) with the CLI's parameters as query parameters and the CLI's JSON (or, for
// trends and posts, CSV) as the body. One route table for the query Lambda and `fanpulse serve`. Independent of the transport, so
// the query Lambda (API Gateway) and a local server answer alike. This is the edge: errors become
// status codes here, and only a UsageError's message ever reaches a caller.

import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import { StoreError, UsageError } from '../core/errors.ts';
import type { Store } from '../core/ports.ts';
import type { ConfigAnswer } from '../query/answers.ts';
import { inWholeHours, planPosts, planTrends, readAlertsWithDeliveries, readPlannedTrends, readSources } from '../query/read.ts';
import { alertsParamsSchema, parseParams, postsParamsSchema, sourcesParamsSchema, trendsParamsSchema } from '../query/params.ts';
import { postColumns } from '../query/post-columns.ts';
import { renderCsv, renderJson } from '../query/format.ts';
import { trendColumns } from '../query/trend-columns.ts';
import type { AnswerCache } from './answer-cache.ts';

export interface HttpRequest {
  method: string;
  /** e.g. "/trends" */
  path: string;
  query: Readonly<Record<string, string | undefined>>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface QueryDeps {
  config: Config;
  store: Store;
  /** Keeps /trends answers while the store has not changed (answer-cache.ts); without it every request reads. */
  cache?: AnswerCache;
}

/** Called with what went wrong inside (never shown to the caller) and the status it became. */
export type InternalErrorLog = (error: unknown, status: number) => void;

const JSON_TYPE = 'application/json; charset=utf-8';
const CSV_TYPE = 'text/csv; charset=utf-8';

const respond = (status: number, contentType: string, body: string): HttpResponse => ({
  status,
  // Trends change every pass; a stale copy in a cache would hide a spike.
  headers: { 'content-type': contentType, 'cache-control': 'no-store' },
  body,
});
const error = (status: number, message: string) => respond(status, JSON_TYPE, renderJson({ error: message }));

type Route = (query: Record<string, string | undefined>, deps: QueryDeps, now: Date) => Promise<HttpResponse>;

/** Over HTTP the body is JSON (or CSV for trends); the CLI's `table` is for terminals. */
function takeFormat<F extends string>(query: Record<string, string | undefined>, allowed: readonly F[]): { format: F; rest: Record<string, string | undefined> } {
  const { format = allowed[0]!, ...rest } = query;
  if (!(allowed as readonly string[]).includes(format)) {
    throw new UsageError(`format: must be ${allowed.map((f) => `"${f}"`).join(' or ')}`);
  }
  return { format: format as F, rest };
}

const routes: Record<string, Route> = {
  async '/trends'(query, { config, store, cache }, now) {
    const { format, rest } = takeFormat(query, ['json', 'csv'] as const);
    const params = parseParams(trendsParamsSchema, { ...rest, format });
    // Keyed on the hours read, not the clock: "7d" asked twice within an hour is one answer.
    const plan = inWholeHours(planTrends(config, params, now));
    const read = async () => {
      const buckets = await readPlannedTrends(store, plan, params.bucket);
      return format === 'csv' ? respond(200, CSV_TYPE, renderCsv(buckets, trendColumns)) : respond(200, JSON_TYPE, renderJson(buckets));
    };
    if (!cache) return read();
    const key = JSON.stringify(['/trends', plan.topics, plan.source ?? null, plan.since, plan.until, params.bucket, format]);
    return cache.answer(key, store, now, read);
  },
  async '/posts'(query, { config, store }, now) {
    const { format, rest } = takeFormat(query, ['json', 'csv'] as const);
    const params = parseParams(postsParamsSchema, { ...rest, format });
    const page = await planPosts(config, params, now)(store);
    if (format === 'json') return respond(200, JSON_TYPE, renderJson(page));
    const csv = respond(200, CSV_TYPE, renderCsv(page.posts, postColumns));
    return page.next ? { ...csv, headers: { ...csv.headers, 'x-next-cursor': page.next } } : csv;
  },
  async '/alerts'(query, { store }, now) {
    const { format, rest } = takeFormat(query, ['json'] as const);
    const params = parseParams(alertsParamsSchema, { ...rest, format });
    return respond(200, JSON_TYPE, renderJson(await readAlertsWithDeliveries(store, params, now)));
  },
  async '/sources'(query, { config, store }) {
    const { format, rest } = takeFormat(query, ['json'] as const);
    parseParams(sourcesParamsSchema, { ...rest, format });
    return respond(200, JSON_TYPE, renderJson(await readSources(store, config)));
  },
  async '/config'(query, { config }) {
    parseParams(z.strictObject({}), query);
    // What a page needs to offer filters: ids, names and types, nothing else of the config.
    const body: ConfigAnswer = {
      topics: config.topics.map((t) => ({ id: t.id, name: t.name ?? t.id })),
      sources: config.sources.map((s) => ({ id: s.id, type: s.type, topics: s.topics })),
    };
    return respond(200, JSON_TYPE, renderJson(body));
  },
};

/** The dashboard page's own files (lambdas/http/static-page.ts): a response, or null for a path that is not one of them. */
export type PageFiles = (path: string) => Promise<HttpResponse | null>;

/** The API's paths: the stack routes exactly these to the query function. */
export const API_PATHS = Object.keys(routes);

function readOnly(): HttpResponse {
  const refused = error(405, 'this API is read-only: use GET');
  return { ...refused, headers: { ...refused.headers, allow: 'GET' } };
}

export async function answerQuery(
  request: HttpRequest,
  deps: () => Promise<QueryDeps>,
  now: Date,
  logInternal: InternalErrorLog,
  page?: PageFiles,
): Promise<HttpResponse> {
  const route = Object.hasOwn(routes, request.path) ? routes[request.path] : undefined;
  if (!route) {
    const file = page ? await page(request.path) : null;
    if (!file) return error(404, `no such resource: use GET ${API_PATHS.join(', ')}${page ? ', or the dashboard at /' : ''}`);
    return request.method === 'GET' ? file : readOnly();
  }
  if (request.method !== 'GET') return readOnly();
  try {
    return await route({ ...request.query }, await deps(), now);
  } catch (caught) {
    if (caught instanceof UsageError) return error(400, caught.message);
    // Store messages name the table and the SDK's error: for the logs, not for callers.
    const status = caught instanceof StoreError ? 503 : 500;
    logInternal(caught, status);
    return error(status, status === 503 ? 'the trend store is unavailable; try again shortly' : 'internal error');
  }
}
