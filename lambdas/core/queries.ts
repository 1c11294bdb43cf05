// The read paths (CLI, HTTP API, dashboard): trend series, alert history, source health.

import type { Config } from '../config/schema.ts';
import { shapeSeries } from './aggregate.ts';
import { UsageError } from './errors.ts';
import type { Store } from './ports.ts';
import { timeRange, type AlertsParams, type TrendsParams } from './query-params.ts';
import { initialSourceState } from './source-health.ts';
import { HOUR_MS, iso } from './time.ts';
import type { SourceState, SpikeAlert, TrendBucket } from './types.ts';

export async function readTrends(store: Store, config: Config, params: TrendsParams, now: Date): Promise<TrendBucket[]> {
  const topicIds = config.topics.map((t) => t.id);
  if (params.topic && !topicIds.includes(params.topic)) {
    throw new UsageError(`unknown topic "${params.topic}": use one of ${topicIds.join(', ')}`);
  }
  const source = params.source ? config.sources.find((s) => s.id === params.source) : undefined;
  if (params.source && !source) {
    throw new UsageError(`unknown source "${params.source}": use one of ${config.sources.map((s) => s.id).join(', ')}`);
  }
  const range = timeRange(params, now);
  // Stored buckets are whole hours: read every hour that overlaps the range.
  const since = iso(Math.floor(range.sinceMs / HOUR_MS) * HOUR_MS);
  const until = iso(range.untilMs);
  const topics = params.topic ? [params.topic] : source ? source.topics : topicIds;
  const series = await Promise.all(
    topics.map(async (topic) => {
      const hourly = await store.queryTrends({ topic, source: params.source, since, until });
      return shapeSeries(hourly, { topic, source: params.source ?? null }, range, params.bucket);
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
