// From a topic's stored hourly buckets to its alerts: each kind of alert (lambdas/core/alert-kinds/)
// judges the same buckets; an alert carries the window's sentiment and the posts behind it. The
// alert id is deterministic (topic#kind#windowStart) so one spike is one alert.

import type { AlertsConfig, Topic } from '../config/schema.ts';
import { negativitySurgeRule } from './alert-kinds/negativity-surge.ts';
import { petitionSpikeRule } from './alert-kinds/petition-spike.ts';
import type { AlertRule, KindFinding } from './alert-kinds/rule.ts';
import { volumeSpikeRule } from './alert-kinds/volume-spike.ts';
import type { Store } from './ports.ts';
import { HOUR_MS, hourStart, iso } from './time.ts';
import type { SpikeAlert, TrendBucket } from './types.ts';

const TOP_POSTS_PER_ALERT = 5;

/** The kinds turned on in the config, in the order their alerts are raised. */
export function alertRules(alerts: AlertsConfig): AlertRule[] {
  return [petitionSpikeRule(alerts), volumeSpikeRule(alerts), negativitySurgeRule(alerts)].filter((rule): rule is AlertRule => rule !== null);
}

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
    // A volume spike made mostly of petition mentions is the petition spike's wave: one message, not two.
    if (rule.kind === 'volume-spike' && petitionWave && mostlyPetition(windowBuckets(buckets, finding))) continue;
    raised.push({
      alert: await toAlert(topic, rule, finding, buckets, store, now),
      cooldownUntil: iso(nowMs + rule.cooldownHours * HOUR_MS),
    });
  }
  return raised;
}

/** The buckets overlapping a finding's window. */
function windowBuckets(buckets: readonly TrendBucket[], finding: KindFinding): TrendBucket[] {
  return buckets.filter((b) => {
    const start = Date.parse(b.bucketStart);
    return start + HOUR_MS > finding.windowStart && start < finding.windowEnd;
  });
}

function mostlyPetition(inWindow: readonly TrendBucket[]): boolean {
  const total = (pick: (b: TrendBucket) => number) => inWindow.reduce((sum, b) => sum + pick(b), 0);
  return 2 * total((b) => b.petitionMentions) >= total((b) => b.posts);
}

async function toAlert(topic: Topic, rule: AlertRule, finding: KindFinding, buckets: readonly TrendBucket[], store: Store, now: Date): Promise<SpikeAlert> {
  const windowStart = iso(finding.windowStart);
  const windowEnd = iso(finding.windowEnd);
  const inWindow = windowBuckets(buckets, finding);
  const sum = (pick: (b: (typeof inWindow)[number]) => number) => inWindow.reduce((total, b) => total + pick(b), 0);
  const posts = sum((b) => b.posts);
  return {
    id: `${topic.id}#${rule.kind}#${windowStart}`,
    topic: topic.id,
    topicName: topic.name ?? topic.id,
    kind: rule.kind,
    windowStart,
    windowEnd,
    count: finding.count,
    baseline: finding.baseline,
    threshold: finding.threshold,
    pValue: finding.pValue,
    sentimentMean: posts > 0 ? sum((b) => b.sentimentSum) / posts : 0,
    positive: sum((b) => b.positive),
    negative: sum((b) => b.negative),
    neutral: sum((b) => b.neutral),
    topPosts: await store.topPosts(topic.id, iso(hourStart(finding.windowStart)), iso(hourStart(finding.windowEnd - 1) + HOUR_MS), TOP_POSTS_PER_ALERT),
    detectedAt: now.toISOString(),
    status: 'pending',
    sentAt: null,
  };
}
