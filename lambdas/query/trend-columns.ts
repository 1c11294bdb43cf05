// The trend columns. CSV (the CLI's and the HTTP API's `?format=csv`: the same file) keeps the JSON
// field names for spreadsheets and scripts; a table is for reading: dates by bucket size, plain words.

import type { TrendBucket } from '../core/types.ts';
import { fixed, type Column } from './format.ts';

export const trendColumns: Column<TrendBucket>[] = [
  { header: 'topic', value: (b) => b.topic },
  { header: 'source', value: (b) => b.source ?? 'all' },
  { header: 'bucketStart', value: (b) => b.bucketStart },
  { header: 'posts', value: (b) => b.posts, numeric: true },
  { header: 'petitionMentions', value: (b) => b.petitionMentions, numeric: true },
  { header: 'positive', value: (b) => b.positive, numeric: true },
  { header: 'negative', value: (b) => b.negative, numeric: true },
  { header: 'neutral', value: (b) => b.neutral, numeric: true },
  { header: 'sentimentMean', value: (b) => fixed(b.sentimentMean), numeric: true },
];

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "2026-11-20 Fri" for a day, "2026-11-20 14:00" for an hour (UTC both). */
export function bucketLabel(bucketStart: string, bucket: 'hour' | 'day'): string {
  const day = bucketStart.slice(0, 10);
  return bucket === 'day' ? `${day} ${WEEKDAYS[new Date(bucketStart).getUTCDay()]}` : `${day} ${bucketStart.slice(11, 16)}`;
}

/** Columns for reading in a terminal; `withTopic`/`withSource` when the rows mix topics or are one source's own. */
export function trendTableColumns(bucket: 'hour' | 'day', shown: { topic: boolean; source: boolean }): Column<TrendBucket>[] {
  return [
    ...(shown.topic ? [{ header: 'topic', value: (b: TrendBucket) => b.topic }] : []),
    ...(shown.source ? [{ header: 'source', value: (b: TrendBucket) => b.source ?? 'all' }] : []),
    { header: bucket === 'day' ? 'day (UTC)' : 'hour (UTC)', value: (b) => bucketLabel(b.bucketStart, bucket) },
    { header: 'posts', value: (b) => b.posts, numeric: true },
    { header: 'petition', value: (b) => b.petitionMentions, numeric: true },
    { header: 'positive', value: (b) => b.positive, numeric: true },
    { header: 'negative', value: (b) => b.negative, numeric: true },
    { header: 'neutral', value: (b) => b.neutral, numeric: true },
    { header: 'mean sentiment', value: (b) => fixed(b.sentimentMean), numeric: true },
  ];
}
