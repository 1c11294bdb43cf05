// Topic-wide hourly TrendBuckets from simulated hours, as the store's queryTrends returns them.

import type { TrendBucket } from '../../lambdas/core/types.ts';
import type { SimulatedHour } from './seeded.ts';

export function toBuckets(topic: string, hours: readonly SimulatedHour[]): TrendBucket[] {
  return hours.map(({ hourStart, posts, negative, petitionMentions }) => ({
    topic,
    source: null,
    bucketStart: new Date(hourStart).toISOString(),
    posts,
    petitionMentions,
    positive: 0,
    negative,
    neutral: posts - negative,
    sentimentSum: -negative,
    // Simulated petition mentions carry no sentiment of their own: neutral.
    petitionPositive: 0,
    petitionNegative: 0,
    petitionNeutral: petitionMentions,
    petitionSentimentSum: 0,
    sentimentMean: posts > 0 ? -negative / posts : 0,
  }));
}

/** The hours with those from `fromIndex` on replaced by `replacements` (same hour starts). */
export function withHours(hours: readonly SimulatedHour[], fromIndex: number, replacements: readonly Omit<SimulatedHour, 'hourStart'>[]): SimulatedHour[] {
  return hours.map((hour, i) => (i >= fromIndex && i < fromIndex + replacements.length ? { hourStart: hour.hourStart, ...replacements[i - fromIndex]! } : hour));
}
