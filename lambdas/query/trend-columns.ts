// The trend columns, shared by `fanpulse trends` (table, CSV) and the HTTP API's `?format=csv`,
// so the two CSVs are the same file.

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
