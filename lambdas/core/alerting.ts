// From a topic's stored hourly buckets to a SpikeAlert: detection, the spike's sentiment, and the
// posts behind it. The alert id is deterministic so one spike is one alert.

import type { AlertSettings, Topic } from '../config/schema.ts';
import { detectSpike, lookbackHours } from './detect.ts';
import type { Store } from './ports.ts';
import { HOUR_MS, hourStart, iso } from './time.ts';
import type { SpikeAlert } from './types.ts';

const TOP_POSTS_PER_ALERT = 5;

export interface EvaluateTopicInput {
  topic: Topic;
  store: Store;
  settings: AlertSettings;
  now: Date;
}

export async function evaluateTopic({ topic, store, settings, now }: EvaluateTopicInput): Promise<SpikeAlert | null> {
  const nowMs = now.getTime();
  const until = hourStart(nowMs) + HOUR_MS;
  const since = until - (lookbackHours(settings) + 1) * HOUR_MS;
  const buckets = await store.queryTrends({ topic: topic.id, since: iso(since), until: iso(until) });
  const series = buckets.map((b) => ({ hourStart: Date.parse(b.bucketStart), count: b.petitionMentions }));
  const detection = detectSpike(series, nowMs, settings);
  if (detection.status !== 'spike') return null;

  const windowStart = iso(detection.windowStart);
  const windowEnd = iso(detection.windowEnd);
  const inWindow = buckets.filter((b) => {
    const start = Date.parse(b.bucketStart);
    return start + HOUR_MS > detection.windowStart && start < detection.windowEnd;
  });
  const sum = (pick: (b: (typeof inWindow)[number]) => number) => inWindow.reduce((total, b) => total + pick(b), 0);
  const posts = sum((b) => b.posts);
  return {
    id: `${topic.id}#petition-spike#${windowStart}`,
    topic: topic.id,
    topicName: topic.name ?? topic.id,
    kind: 'petition-spike',
    windowStart,
    windowEnd,
    count: detection.count,
    baseline: detection.baseline,
    threshold: detection.threshold,
    pValue: detection.pValue,
    sentimentMean: posts > 0 ? sum((b) => b.sentimentSum) / posts : 0,
    positive: sum((b) => b.positive),
    negative: sum((b) => b.negative),
    neutral: sum((b) => b.neutral),
    topPosts: await store.topPosts(topic.id, iso(hourStart(detection.windowStart)), iso(hourStart(detection.windowEnd - 1) + HOUR_MS), TOP_POSTS_PER_ALERT),
    detectedAt: now.toISOString(),
    status: 'pending',
    sentAt: null,
  };
}
