// From a topic's stored hourly buckets to a SpikeAlert: detection, the sentiment of exactly the
// posts it counted, and the posts behind it. The alert id is deterministic so one spike is one alert.

import type { AlertSettings, Topic } from '../config/schema.ts';
import { petitionMentions, sumCounts, type BucketCounts, type Tally } from './bucket-counts.ts';
import { detectSpike, lookbackHours, type SpikeDetection } from './detect.ts';
import type { Store } from './ports.ts';
import { HOUR_MS, hourStart, iso } from './time.ts';
import type { AlertKind, SpikeAlert, TopPost, TrendBucket } from './types.ts';

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
  const { since: from, until: to } = windowHours(detection);
  const topPosts = await store.topPosts(topic.id, from, to, TOP_POSTS_PER_ALERT);
  return spikeAlert({ topic, kind: 'petition-spike', detection, counted: petitionMentions(windowCounts(buckets, detection)), topPosts, now });
}

/** The stored hours a detection's window covers: every hour that overlaps it. */
export function windowHours(window: Pick<SpikeDetection, 'windowStart' | 'windowEnd'>): { since: string; until: string } {
  return { since: iso(hourStart(window.windowStart)), until: iso(hourStart(window.windowEnd - 1) + HOUR_MS) };
}

/** The counters of the buckets in a detection's window, added up. */
export function windowCounts(buckets: readonly TrendBucket[], window: Pick<SpikeDetection, 'windowStart' | 'windowEnd'>): BucketCounts {
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
  detection: SpikeDetection;
  /** The posts the detector counted in the window, with their sentiment (e.g. `petitionMentions(windowCounts(…))`). */
  counted: Tally;
  topPosts: TopPost[];
  now: Date;
}

/** A new, pending alert for a spike. Pure: any kind whose detector counts a Tally can use it. */
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
    basis: detection.basis,
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
