// Shaping stored hourly buckets for people: zero-filled series, and day roll-ups.

import { addCounts, sentimentMean, zeroCounts } from './bucket-counts.ts';
import { DAY_MS, HOUR_MS, dayStart, iso } from './time.ts';
import type { TrendBucket } from './types.ts';

export type BucketSize = 'hour' | 'day';

function emptyBucket(topic: string, source: string | null, bucketStart: string): TrendBucket {
  return { topic, source, bucketStart, ...zeroCounts(), sentimentMean: 0 };
}

function add(into: TrendBucket, from: TrendBucket): void {
  addCounts(into, from);
  into.sentimentMean = sentimentMean(into.sentimentSum, into.posts);
}

/**
 * One topic's (or one topic-and-source's) hourly buckets as a continuous series over
 * [sinceMs, untilMs): hours or UTC days, with the hours nobody posted in as zeros.
 */
export function shapeSeries(
  hourly: readonly TrendBucket[],
  key: { topic: string; source: string | null },
  range: { sinceMs: number; untilMs: number },
  size: BucketSize,
): TrendBucket[] {
  const step = size === 'day' ? DAY_MS : HOUR_MS;
  const align = size === 'day' ? dayStart : (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
  const series = new Map<number, TrendBucket>();
  for (let t = align(range.sinceMs); t < range.untilMs; t += step) series.set(t, emptyBucket(key.topic, key.source, iso(t)));
  for (const bucket of hourly) {
    const slot = series.get(align(Date.parse(bucket.bucketStart)));
    if (slot) add(slot, bucket);
  }
  return [...series.values()];
}
