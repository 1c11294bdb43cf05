// What one post adds to an hourly bucket, and how buckets add up: the one rule the store's ingest,
// the day roll-ups and the alerts' windows share, so their numbers cannot drift apart.
//
// A bucket keeps two sentiment splits: of all its posts, and of its petition mentions alone, so a
// petition alert's positive/negative/neutral are those of exactly the mentions it counted.

import type { SentimentLabel } from './types.ts';

export const COUNTERS = [
  'posts',
  'petitionMentions',
  'positive',
  'negative',
  'neutral',
  'sentimentSum',
  'petitionPositive',
  'petitionNegative',
  'petitionNeutral',
  'petitionSentimentSum',
] as const;

export type Counter = (typeof COUNTERS)[number];
export type BucketCounts = Record<Counter, number>;

/** What the counting needs of a post in one topic: is it a petition mention there, and how does it feel. */
export interface CountedPost {
  petition: boolean;
  sentiment: { label: SentimentLabel; score: number };
}

const PETITION_LABEL: Record<SentimentLabel, Counter> = { positive: 'petitionPositive', negative: 'petitionNegative', neutral: 'petitionNeutral' };

export const zeroCounts = (): BucketCounts => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as BucketCounts;

/** The counters one post adds to its topic's bucket. */
export function postCounts({ petition, sentiment }: CountedPost): BucketCounts {
  const counts = zeroCounts();
  counts.posts = 1;
  counts[sentiment.label] = 1;
  counts.sentimentSum = sentiment.score;
  if (petition) {
    counts.petitionMentions = 1;
    counts[PETITION_LABEL[sentiment.label]] = 1;
    counts.petitionSentimentSum = sentiment.score;
  }
  return counts;
}

/** Adds `from` into `into` (and returns it). */
export function addCounts<T extends BucketCounts>(into: T, from: Readonly<BucketCounts>): T {
  for (const counter of COUNTERS) into[counter] += from[counter];
  return into;
}

export const sumCounts = (list: readonly Readonly<BucketCounts>[]): BucketCounts => list.reduce<BucketCounts>((total, counts) => addCounts(total, counts), zeroCounts());

/**
 * Counters as stored: an absent counter is 0. Buckets written before the petition split was kept
 * have no petition* counters, so their mentions have no known sentiment (see `Tally.unscored`).
 */
export function readCounts(stored: Partial<Record<Counter, unknown>>): BucketCounts {
  const counts = zeroCounts();
  for (const counter of COUNTERS) counts[counter] = Number(stored[counter] ?? 0) || 0;
  return counts;
}

export const sentimentMean = (sum: number, posts: number) => (posts > 0 ? sum / posts : 0);

/** A set of counted posts and their sentiment: what an alert reports about the posts it counted. */
export interface Tally {
  count: number;
  positive: number;
  negative: number;
  neutral: number;
  /** Counted posts whose sentiment the buckets do not hold (counted before it was kept). */
  unscored: number;
  /** Mean score of the scored ones. */
  sentimentMean: number;
}

function tally(count: number, positive: number, negative: number, neutral: number, sentimentSum: number): Tally {
  const scored = positive + negative + neutral;
  return { count, positive, negative, neutral, unscored: Math.max(0, count - scored), sentimentMean: sentimentMean(sentimentSum, scored) };
}

/** Every post of the buckets. */
export const allPosts = (c: BucketCounts): Tally => tally(c.posts, c.positive, c.negative, c.neutral, c.sentimentSum);

/** The petition mentions of the buckets. */
export const petitionMentions = (c: BucketCounts): Tally =>
  tally(c.petitionMentions, c.petitionPositive, c.petitionNegative, c.petitionNeutral, c.petitionSentimentSum);
