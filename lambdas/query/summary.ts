// `fanpulse summary`: the campaign at a glance, per topic the last days, its latest alert, and the
// sources that need attention (what the demo shows, for a real campaign).

import type { Config } from '../config/schema.ts';
import type { Store } from '../core/ports.ts';
import { needsAttention } from '../core/source-health.ts';
import type { SpikeAlert, TrendBucket } from '../core/types.ts';
import type { SourceStatus } from './answers.ts';
import type { SummaryParams } from './params.ts';
import { planTrends, readAlerts, readPlannedTrends, readSources } from './read.ts';

export interface TopicSummary {
  topic: string;
  name: string;
  days: TrendBucket[];
  latestAlert: SpikeAlert | null;
}

export interface CampaignSummary {
  topics: TopicSummary[];
  /** Sources failing, waiting for credentials, never polled, or dropping unreadable items. */
  sourcesNeedingAttention: SourceStatus[];
}

export async function readSummary(store: Store, config: Config, params: SummaryParams, now: Date): Promise<CampaignSummary> {
  const plan = planTrends(config, { since: params.since, bucket: 'day', format: 'json' }, now);
  const [days, alerts, sources] = await Promise.all([
    readPlannedTrends(store, plan, 'day'),
    readAlerts(store, { since: '90d', format: 'json' }, now),
    readSources(store, config),
  ]);
  return {
    topics: config.topics.map((topic) => ({
      topic: topic.id,
      name: topic.name ?? topic.id,
      days: days.filter((b) => b.topic === topic.id),
      latestAlert: alerts.filter((a) => a.topic === topic.id).sort((a, b) => b.windowStart.localeCompare(a.windowStart))[0] ?? null,
    })),
    sourcesNeedingAttention: sources.filter(needsAttention),
  };
}
