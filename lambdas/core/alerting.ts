// From a topic's stored hourly buckets to its alerts: each kind of alert (lambdas/core/alert-kinds/)
// judges the same buckets; an alert carries the sentiment of exactly the posts its kind counted and
// the posts behind it. The alert id is deterministic (topic#kind#windowStart) so one spike is one alert.

import type { AlertsConfig, Topic } from '../config/schema.ts';
import { sumCounts, type BucketCounts, type Tally } from './bucket-counts.ts';
import { negativitySurgeRule } from './alert-kinds/negativity-surge.ts';
import { petitionSpikeRule } from './alert-kinds/petition-spike.ts';
import type { AlertRule, KindFinding } from './alert-kinds/rule.ts';
import { volumeSpikeRule } from './alert-kinds/volume-spike.ts';
import type { Store } from './ports.ts';
import { HOUR_MS, hourStart, iso } from './time.ts';
import type { AlertKind, SpikeAlert, TopPost, TrendBucket } from './types.ts';

const TOP_POSTS_PER_ALERT = 5;

export interface EvaluateTopicInput {
  topic: Topic;
  store: Store;
  settings: AlertsConfig;
  now: Date;
}

/** An alert to claim, and until when its kind then stays quiet for the topic. */
export interface RaisedAlert {
  alert: SpikeAlert;
  cooldownUntil: string;
}

export async function evaluateTopic({ topic, store, settings, now }: EvaluateTopicInput): Promise<RaisedAlert[]> {
  const rules = alertRules(settings);
  if (rules.length === 0) return [];
  const nowMs = now.getTime();
  const until = hourStart(nowMs) + HOUR_MS;
  // One read serves every kind: the longest history any of them needs.
  const since = until - (Math.max(...rules.map((r) => r.lookbackHours)) + 1) * HOUR_MS;
  const buckets = await store.queryTrends({ topic: topic.id, since: iso(since), until: iso(until) });
  const findings = rules.map((rule) => ({ rule, finding: rule.evaluate(buckets, nowMs) }));
  const petitionWave = findings.some(({ rule, finding }) => rule.kind === 'petition-spike' && finding !== null);
  const raised: RaisedAlert[] = [];
  for (const { rule, finding } of findings) {
    if (!finding) continue;
    const inWindow = windowCounts(buckets, finding);
    // A volume spike made mostly of petition mentions is the petition spike's wave: one message, not two.
    if (rule.kind === 'volume-spike' && petitionWave && 2 * inWindow.petitionMentions >= inWindow.posts) continue;
    const { since: from, until: to } = windowHours(finding);
    const topPosts = await store.topPosts(topic.id, from, to, TOP_POSTS_PER_ALERT);
    raised.push({
      alert: spikeAlert({ topic, kind: rule.kind, detection: finding, counted: rule.counted(inWindow), topPosts, now }),
      cooldownUntil: iso(nowMs + rule.cooldownHours * HOUR_MS),
    });
  }
  return raised;
}

/** The kinds the config turns on, petition spike first. */
export function alertRules(settings: AlertsConfig): AlertRule[] {
  return [petitionSpikeRule(settings), volumeSpikeRule(settings), negativitySurgeRule(settings)].filter((rule): rule is AlertRule => rule !== null);
}

type Window = Pick<KindFinding, 'windowStart' | 'windowEnd'>;

/** The stored hours a finding's window covers: every hour that overlaps it. */
export function windowHours(window: Window): { since: string; until: string } {
  return { since: iso(hourStart(window.windowStart)), until: iso(hourStart(window.windowEnd - 1) + HOUR_MS) };
}

/** The counters of the buckets in a finding's window, added up. */
export function windowCounts(buckets: readonly TrendBucket[], window: Window): BucketCounts {
  return sumCounts(
    buckets.filter((b) => {
      const start = Date.parse(b.bucketStart);
      return start + HOUR_MS > window.windowStart && start < window.windowEnd;
    }),
  );
}

export interface SpikeAlertInput {
  topic: Pick<Topic, 'id' | 'name'>;
  kind: AlertKind;
  detection: KindFinding;
  /** The posts the kind counted in the window, with their sentiment (e.g. `petitionMentions(windowCounts(…))`). */
  counted: Tally;
  topPosts: TopPost[];
  now: Date;
}

/** A new, pending alert. Pure: any kind whose finding counts a Tally can use it. */
export function spikeAlert({ topic, kind, detection, counted, topPosts, now }: SpikeAlertInput): SpikeAlert {
  const windowStart = iso(detection.windowStart);
  return {
    id: `${topic.id}#${kind}#${windowStart}`,
    topic: topic.id,
    topicName: topic.name ?? topic.id,
    kind,
    windowStart,
    windowEnd: iso(detection.windowEnd),
    count: detection.count,
    baseline: detection.baseline,
    threshold: detection.threshold,
    pValue: detection.pValue,
    ...(detection.basis ? { basis: detection.basis } : {}),
    sentimentMean: counted.sentimentMean,
    positive: counted.positive,
    negative: counted.negative,
    neutral: counted.neutral,
    // The detector and the buckets count the same posts; what the buckets cannot place is unscored.
    unscored: Math.max(0, detection.count - counted.positive - counted.negative - counted.neutral),
    topPosts,
    detectedAt: now.toISOString(),
    status: 'pending',
    sentAt: null,
  };
}
