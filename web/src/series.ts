// Trend buckets (as the API returns them) turned into what the page draws and tabulates: aligned
// series per topic or per topic and source, net sentiment, share of voice, and the CSV of it all.
// Pure functions of the data, so they are tested without a browser.

import type { TrendBucket } from './api.ts';

export interface Series {
  /** topic, or topic + source when split by source. */
  key: string;
  topic: string;
  source: string | null;
  /** One entry per grid time; null where the API returned no bucket for it. */
  buckets: (TrendBucket | null)[];
}

export interface Grid {
  /** Bucket starts (ISO), ascending. */
  times: string[];
  series: Series[];
}

const seriesKey = (b: Pick<TrendBucket, 'topic' | 'source'>) => (b.source ? `${b.topic} · ${b.source}` : b.topic);

/** Aligns buckets on one time axis, one series per topic (and source), in the order first seen. */
export function toGrid(buckets: readonly TrendBucket[]): Grid {
  const times = [...new Set(buckets.map((b) => b.bucketStart))].sort();
  const index = new Map(times.map((t, i) => [t, i]));
  const series = new Map<string, Series>();
  for (const bucket of buckets) {
    const key = seriesKey(bucket);
    let s = series.get(key);
    if (!s) series.set(key, (s = { key, topic: bucket.topic, source: bucket.source, buckets: times.map(() => null) }));
    s.buckets[index.get(bucket.bucketStart)!] = bucket;
  }
  return { times, series: [...series.values()] };
}

/** (positive − negative) / posts: +1 when every post is positive, −1 when every one is negative; null without posts. */
export const netSentiment = (b: Pick<TrendBucket, 'posts' | 'positive' | 'negative'>): number | null =>
  b.posts > 0 ? (b.positive - b.negative) / b.posts : null;

export interface Share {
  topic: string;
  posts: number;
  /** 0..1 of all topics' posts in the range; 0 when there were none at all. */
  share: number;
}

/**
 * Each topic's part of the posts in the range, largest first. Give it one series per topic (the
 * topic-wide buckets, or one source's), not a split by source: a post two sources carry would count twice.
 */
export function shareOfVoice(buckets: readonly TrendBucket[], topics: readonly string[]): Share[] {
  const totals = new Map(topics.map((t) => [t, 0]));
  for (const b of buckets) if (totals.has(b.topic)) totals.set(b.topic, totals.get(b.topic)! + b.posts);
  const all = [...totals.values()].reduce((a, n) => a + n, 0);
  return [...totals].map(([topic, posts]) => ({ topic, posts, share: all ? posts / all : 0 })).sort((a, b) => b.posts - a.posts);
}

const CSV_COLUMNS = ['topic', 'source', 'bucketStart', 'posts', 'petitionMentions', 'positive', 'negative', 'neutral', 'sentimentMean', 'netSentiment'] as const;

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // A cell a spreadsheet would run as a formula gets a leading quote (ids are config-made, but still).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The buckets shown, as CSV with a header row (the API's trend columns plus net sentiment). */
export function trendsCsv(buckets: readonly TrendBucket[]): string {
  const rows = buckets.map((b) => [b.topic, b.source, b.bucketStart, b.posts, b.petitionMentions, b.positive, b.negative, b.neutral, b.sentimentMean, netSentiment(b)]);
  return [CSV_COLUMNS.join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\r\n') + '\r\n';
}
