// The query contract shared by the CLI flags and the HTTP API's query parameters:
// one schema, so `fanpulse trends --since 7d` and `GET /trends?since=7d` mean the same.

import { z } from 'zod';
import { looksLikeDate, parseGivenTime } from '../core/dates.ts';
import { UsageError } from '../core/errors.ts';
import { DAY_MS, HOUR_MS } from '../core/time.ts';

const RELATIVE = /^(\d{1,4})([hdw])$/;
const UNIT_MS = { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS } as const;

/** "7d", "36h", "2w" (before `now`) or an ISO-8601 time (UTC when it names no zone), as epoch ms. */
export function parseTimeParam(value: string, now: Date): number | null {
  const relative = RELATIVE.exec(value.trim());
  if (relative) return now.getTime() - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  return parseGivenTime(value);
}

/** A start or end time: a duration back from now, or an ISO time (the CLI's own options use it too). */
export const timeParam = z.string().refine((v) => parseTimeParam(v, new Date()) !== null, {
  error: (issue) =>
    looksLikeDate(String(issue.input))
      ? 'is not a date and time on the calendar (check the day of the month and the hour); a time without a zone is UTC'
      : 'must be a duration back from now like 7d, 36h or 2w, or an ISO-8601 time like 2026-11-20T10:00:00Z (UTC when it names no zone)',
});

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: 'must be a topic or source id from the config' });

export const trendsParamsSchema = z.strictObject({
  topic: id.optional(),
  source: id.optional(),
  since: timeParam.default('7d'),
  until: timeParam.optional(),
  bucket: z.enum(['hour', 'day'], { error: 'must be "hour" or "day"' }).default('hour'),
  format: z.enum(['table', 'json', 'csv', 'chart'], { error: 'must be "table", "json", "csv" or "chart"' }).default('table'),
});

export const alertsParamsSchema = z.strictObject({
  since: timeParam.default('30d'),
  until: timeParam.optional(),
  format: z.enum(['table', 'json'], { error: 'must be "table" or "json"' }).default('table'),
});

export const sourcesParamsSchema = z.strictObject({
  format: z.enum(['table', 'json'], { error: 'must be "table" or "json"' }).default('table'),
});

/** A flag's "true"/"false" over HTTP, a bare flag on the command line (commander gives true). */
export const booleanParam = z.union([z.boolean(), z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).transform((v) => v === 'true')]);

export const POSTS_LIMIT = { default: 50, max: 500 } as const;

export const postsParamsSchema = z.strictObject({
  topic: id.optional(),
  source: id.optional(),
  since: timeParam.default('7d'),
  until: timeParam.optional(),
  petition: booleanParam.optional(),
  label: z.enum(['positive', 'negative', 'neutral'], { error: 'must be "positive", "negative" or "neutral"' }).optional(),
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${POSTS_LIMIT.max}` })
    .int({ error: `must be a whole number from 1 to ${POSTS_LIMIT.max}` })
    .min(1, { error: `must be a whole number from 1 to ${POSTS_LIMIT.max}` })
    .max(POSTS_LIMIT.max, { error: `must be a whole number from 1 to ${POSTS_LIMIT.max}` })
    .default(POSTS_LIMIT.default),
  /** The `next` of a previous page. */
  cursor: z.string().optional(),
  format: z.enum(['table', 'json', 'csv'], { error: 'must be "table", "json" or "csv"' }).default('table'),
});

export const summaryParamsSchema = z.strictObject({
  since: timeParam.default('7d'),
  format: z.enum(['table', 'json'], { error: 'must be "table" or "json"' }).default('table'),
});

/** `fanpulse recount --since` and the poll function's `{ "recount": { "since": "30d" } }` event. */
export const recountParamsSchema = z.strictObject({
  since: timeParam.default('30d'),
});

export type TrendsParams = z.output<typeof trendsParamsSchema>;
export type SummaryParams = z.output<typeof summaryParamsSchema>;
export type PostsParams = z.output<typeof postsParamsSchema>;
export type AlertsParams = z.output<typeof alertsParamsSchema>;
export type SourcesParams = z.output<typeof sourcesParamsSchema>;

/** Validates parameters, turning every problem into one UsageError that names the parameter. */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') return `unknown parameter(s): ${issue.keys.join(', ')}`;
    return name ? `${name}: ${issue.message}` : issue.message;
  });
  throw new UsageError(problems.join('; '));
}

/** The [since, until) range of a query in epoch ms; `until` defaults to the end of the current hour. */
export function timeRange(params: { since: string; until?: string | undefined }, now: Date): { sinceMs: number; untilMs: number } {
  const sinceMs = parseTimeParam(params.since, now)!;
  const untilMs = params.until ? parseTimeParam(params.until, now)! : Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
  if (untilMs <= sinceMs) {
    throw new UsageError(
      `until (${new Date(untilMs).toISOString()}) must be after since (${new Date(sinceMs).toISOString()}): ` +
        'a duration counts back from now, so --until 7d means 7 days ago; give since a longer one (--since 14d --until 7d) ' +
        'or until an ISO time (--until 2026-11-20T10:00Z), or leave --until out to read up to now',
    );
  }
  return { sinceMs, untilMs };
}
