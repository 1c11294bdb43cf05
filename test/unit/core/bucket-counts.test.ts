// The one rule for what a post adds to a bucket, and the alert's sentiment split as a property:
// however posts fall into hours, an alert's positive + negative + neutral is exactly its count,
// and matches a tally of the petition mentions in its window kept here by hand.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spikeAlert, windowCounts } from '../../../lambdas/core/alerting.ts';
import { addCounts, allPosts, petitionMentions, postCounts, readCounts, zeroCounts } from '../../../lambdas/core/bucket-counts.ts';
import type { SpikeDetection } from '../../../lambdas/core/detect.ts';
import { HOUR_MS, iso } from '../../../lambdas/core/time.ts';
import type { SentimentLabel, TrendBucket } from '../../../lambdas/core/types.ts';

describe('postCounts', () => {
  it('counts a petition mention in both splits, and any other post in the posts split only', () => {
    expect(postCounts({ petition: true, sentiment: { label: 'negative', score: -2.5 } })).toEqual({
      ...zeroCounts(), posts: 1, negative: 1, sentimentSum: -2.5, petitionMentions: 1, petitionNegative: 1, petitionSentimentSum: -2.5,
    });
    expect(postCounts({ petition: false, sentiment: { label: 'positive', score: 3 } })).toEqual({ ...zeroCounts(), posts: 1, positive: 1, sentimentSum: 3 });
  });
});

describe('readCounts', () => {
  it('reads a bucket stored before the petition split was kept as mentions of unknown sentiment', () => {
    const old = readCounts({ posts: 5, petitionMentions: 3, positive: 2, negative: 1, neutral: 2, sentimentSum: 4 });
    expect(old.petitionPositive + old.petitionNegative + old.petitionNeutral).toBe(0);
    expect(petitionMentions(old)).toEqual({ count: 3, positive: 0, negative: 0, neutral: 0, unscored: 3, sentimentMean: 0 });
    expect(allPosts(old)).toEqual({ count: 5, positive: 2, negative: 1, neutral: 2, unscored: 0, sentimentMean: 0.8 });
  });
});

const LABELS: SentimentLabel[] = ['positive', 'negative', 'neutral'];
const START = Date.parse('2026-11-20T00:00:00Z');

const postsArb = fc.array(
  fc.record({ hour: fc.integer({ min: 0, max: 11 }), petition: fc.boolean(), label: fc.constantFrom(...LABELS), score: fc.integer({ min: -8, max: 8 }) }),
  { maxLength: 200 },
);
const windowArb = fc.record({ first: fc.integer({ min: 0, max: 11 }), hours: fc.integer({ min: 1, max: 6 }), partial: fc.integer({ min: 1, max: 60 }) });

describe("the alert's sentiment split (property)", () => {
  it('sums to its count and is the split of exactly the petition mentions in its window', () => {
    fc.assert(
      fc.property(postsArb, windowArb, (posts, { first, hours, partial }) => {
        // Hourly buckets as the store keeps them.
        const buckets = new Map<number, TrendBucket>();
        for (const post of posts) {
          const start = START + post.hour * HOUR_MS;
          const bucket = buckets.get(start) ?? { topic: 't', source: null, bucketStart: iso(start), ...zeroCounts(), sentimentMean: 0 };
          buckets.set(start, addCounts(bucket, postCounts({ petition: post.petition, sentiment: { label: post.label, score: post.score } })));
        }
        // A window of whole hours, its last one partly over (as at a pass mid-hour).
        const window = { windowStart: START + first * HOUR_MS, windowEnd: START + (first + hours - 1) * HOUR_MS + partial * 60_000 };
        const inWindow = posts.filter((p) => p.petition && p.hour >= first && p.hour < first + hours);
        const detection = { ...window, count: inWindow.length, baseline: 1, threshold: 6, pValue: 1e-6, basis: 'seasonal' } as SpikeDetection;

        const counted = petitionMentions(windowCounts([...buckets.values()], window));
        const alert = spikeAlert({ topic: { id: 't' }, kind: 'petition-spike', detection, counted, topPosts: [], now: new Date(window.windowEnd) });

        expect(alert.positive + alert.negative + alert.neutral).toBe(alert.count);
        expect(alert.unscored).toBe(0);
        const byLabel = (label: SentimentLabel) => inWindow.filter((p) => p.label === label).length;
        expect([alert.positive, alert.negative, alert.neutral]).toEqual([byLabel('positive'), byLabel('negative'), byLabel('neutral')]);
        const scoreSum = inWindow.reduce((sum, p) => sum + p.score, 0);
        expect(alert.sentimentMean).toBeCloseTo(inWindow.length > 0 ? scoreSum / inWindow.length : 0, 9);
      }),
      { numRuns: 300 },
    );
  });
});
