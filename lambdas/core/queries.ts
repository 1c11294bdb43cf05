// The read paths (CLI, HTTP API, dashboard): trend series, alert history, source health.

import type { Config } from '../config/schema.ts';
import { shapeSeries } from './aggregate.ts';
import { UsageError } from './errors.ts';
import type { Store } from './ports.ts';
import { timeRange, type AlertsParams, type TrendsParams } from './query-params.ts';
import { initialSourceState } from './source-health.ts';
import { HOUR_MS, iso } from './time.ts';
import type { SourceState, SpikeAlert, TrendBucket } from './types.ts';

export interface TrendsPlan {
  topics: string[];
  source: string | undefined;
  range: { sinceMs: number; untilMs: number };
  /** The stored hours to read: every hour that overlaps the range. */
  since: string;
  until: string;
}

/** Checks a trends query against the config (unknown topic or source → UsageError) and resolves its range. */
export function planTrends(config: Config, params: TrendsParams, now: Date): TrendsPlan {
  const topicIds = config.topics.map((t) => t.id);
  if (params.topic && !topicIds.includes(params.topic)) {
    throw new UsageError(`unknown topic "${params.topic}": use one of ${topicIds.join(', ')}`);
  }
  const source = params.source ? config.sources.find((s) => s.id === params.source) : undefined;
  if (params.source && !source) {
    throw new UsageError(`unknown source "${params.source}": use one of ${config.sources.map((s) => s.id).join(', ')}`);
  }
  const range = timeRange(params, now);
  return {
    topics: params.topic ? [params.topic] : source ? source.topics : topicIds,
    source: params.source,
    range,
    since: iso(Math.floor(range.sinceMs / HOUR_MS) * HOUR_MS),
    until: iso(range.untilMs),
  };
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

export async function readAlerts(store: Store, params: AlertsParams, now: Date): Promise<SpikeAlert[]> {
  const { sinceMs, untilMs } = timeRange(params, now);
  return store.listAlerts(iso(sinceMs), iso(untilMs));
}

/** Every configured source with its health, including the ones never polled yet. */
export async function readSources(store: Store, config: Config): Promise<(SourceState & { type: string })[]> {
  const states = await store.getSourceStates(config.sources.map((s) => s.id));
  return config.sources.map((source) => ({ ...(states.get(source.id) ?? initialSourceState(source.id)), type: source.type }));
}
