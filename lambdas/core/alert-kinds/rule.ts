// What every kind of alert gives the dispatcher (alerting.ts): how much history it reads, its
// cooldown, and its verdict on a topic's hourly buckets at `now`.

import type { BucketCounts, Tally } from '../bucket-counts.ts';
import type { AlertKind, TrendBucket } from '../types.ts';

/** A window that alerts, with the numbers that explain it (times epoch ms). */
export interface KindFinding {
  windowStart: number;
  windowEnd: number;
  /** What the kind counts in the window: petition mentions, posts, or negative posts. */
  count: number;
  /** The count expected there. */
  baseline: number;
  /** The smallest count that would have alerted. */
  threshold: number;
  pValue: number;
  /** The count detector's baseline: seasonal, or the short-history fallback. */
  basis?: 'seasonal' | 'short-history';
}

export interface AlertRule {
  kind: AlertKind;
  /** Hours of buckets before `now` the rule reads. */
  lookbackHours: number;
  /** No second alert of this kind for a topic until this many hours after one. */
  cooldownHours: number;
  /** The posts this kind counts, with their sentiment, out of a window's added-up counters. */
  counted(counts: BucketCounts): Tally;
  /** The finding at `now` (epoch ms) over the topic's hourly buckets (oldest first, empty hours may be absent), or null. */
  evaluate(buckets: readonly TrendBucket[], now: number): KindFinding | null;
}
