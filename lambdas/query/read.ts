// The read paths (CLI, HTTP API, dashboard): trend series, the posts behind them, alert history, source health.

import type { Config } from '../config/schema.ts';
import { shapeSeries } from '../core/aggregate.ts';
import { UsageError } from '../core/errors.ts';
import { z } from 'zod';
import type { PostPage, Store } from '../core/ports.ts';
import { timeRange, type AlertsParams, type PostsParams, type TrendsParams } from './params.ts';
import { initialSourceState } from '../core/source-health.ts';
import { HOUR_MS, iso } from '../core/time.ts';
import type { SpikeAlert, TrendBucket } from '../core/types.ts';
import type { AlertWithDeliveries, PostsAnswer, SourceStatus } from './answers.ts';

export interface TrendsPlan {
  topics: string[];
  source: string | undefined;
  range: { sinceMs: number; untilMs: number };
  /** The stored hours to read: every hour that overlaps the range. */
  since: string;
  until: string;
}

/** The topics a query covers: the one asked for, else the source's, else all; unknown ids → UsageError. */
function scopeOf(config: Config, params: { topic?: string | undefined; source?: string | undefined }): string[] {
  const topicIds = config.topics.map((t) => t.id);
  if (params.topic && !topicIds.includes(params.topic)) {
    throw new UsageError(`unknown topic "${params.topic}": use one of ${topicIds.join(', ')}`);
  }
  const source = params.source ? config.sources.find((s) => s.id === params.source) : undefined;
  if (params.source && !source) {
    throw new UsageError(`unknown source "${params.source}": use one of ${config.sources.map((s) => s.id).join(', ')}`);
  }
  return params.topic ? [params.topic] : source ? source.topics : topicIds;
}

/** Checks a trends query against the config (unknown topic or source → UsageError) and resolves its range. */
export function planTrends(config: Config, params: TrendsParams, now: Date): TrendsPlan {
  const topics = scopeOf(config, params);
  const range = timeRange(params, now);
  return {
    topics,
    source: params.source,
    range,
    since: iso(Math.floor(range.sinceMs / HOUR_MS) * HOUR_MS),
    until: iso(range.untilMs),
  };
}

/**
 * The same plan over whole hours (`since` back to its hour, `until` on to the end of its hour): it
 * reads the same stored hours and shapes the same series, every bucket being an hour or a day of
 * them, so it gives the same answer, and an answer depends on the hours only (a cache keys on them).
 */
export function inWholeHours(plan: TrendsPlan): TrendsPlan {
  const sinceMs = Math.floor(plan.range.sinceMs / HOUR_MS) * HOUR_MS;
  const untilMs = Math.ceil(plan.range.untilMs / HOUR_MS) * HOUR_MS;
  return { ...plan, range: { sinceMs, untilMs }, since: iso(sinceMs), until: iso(untilMs) };
}

export const readTrends = (store: Store, config: Config, params: TrendsParams, now: Date): Promise<TrendBucket[]> =>
  readPlannedTrends(store, planTrends(config, params, now), params.bucket);

/** Reads a checked plan (`planTrends`), so a caller can reject a bad query before opening the store. */
export async function readPlannedTrends(store: Store, plan: TrendsPlan, bucket: TrendsParams['bucket']): Promise<TrendBucket[]> {
  const { topics, source, range, since, until } = plan;
  const series = await Promise.all(
    topics.map(async (topic) => {
      const hourly = await store.queryTrends({ topic, source, since, until });
      return shapeSeries(hourly, { topic, source: source ?? null }, range, bucket);
    }),
  );
  return series.flat();
}

// A page's `next`, opaque to callers: where the page ended, as base64url JSON.
const positionSchema = z.strictObject({ id: z.string().min(1), bucketStart: z.iso.datetime(), published: z.iso.datetime().nullable() });
const encodeCursor = (position: PostPage['next']) => (position ? Buffer.from(JSON.stringify(position)).toString('base64url') : null);

function decodeCursor(cursor: string | undefined): PostPage['next'] {
  if (cursor === undefined) return null;
  try {
    return positionSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new UsageError('cursor: must be the "next" value of a previous page, unchanged');
  }
}

/** Checks a posts query against the config (unknown ids, bad range or cursor → UsageError) and reads one page. */
export function planPosts(config: Config, params: PostsParams, now: Date) {
  const topics = scopeOf(config, params);
  const { sinceMs, untilMs } = timeRange(params, now);
  const after = decodeCursor(params.cursor);
  return async (store: Store): Promise<PostsAnswer> => {
    const page = await store.listPosts({
      topics,
      source: params.source,
      since: iso(Math.floor(sinceMs / HOUR_MS) * HOUR_MS),
      until: iso(untilMs),
      petition: params.petition,
      label: params.label,
      limit: params.limit,
      after,
    });
    return { posts: page.posts, next: encodeCursor(page.next) };
  };
}

export async function readAlerts(store: Store, params: AlertsParams, now: Date): Promise<SpikeAlert[]> {
  const { sinceMs, untilMs } = timeRange(params, now);
  return store.listAlerts(iso(sinceMs), iso(untilMs));
}

export async function readAlertsWithDeliveries(store: Store, params: AlertsParams, now: Date): Promise<AlertWithDeliveries[]> {
  const alerts = await readAlerts(store, params, now);
  return Promise.all(
    alerts.map(async (alert) => ({ ...alert, deliveries: [...(await store.channelDeliveries(alert.id)).values()].sort((a, b) => a.channel.localeCompare(b.channel)) })),
  );
}

/** Every configured source with its health, including the ones never polled yet. */
export async function readSources(store: Store, config: Config): Promise<SourceStatus[]> {
  const states = await store.getSourceStates(config.sources.map((s) => s.id));
  return config.sources.map((source) => {
    // What the source remembers counting is the pass's bookkeeping, not its health.
    const { counted: _counted, ...state } = states.get(source.id) ?? initialSourceState(source.id);
    return { ...state, type: source.type };
  });
}
