// A spike in one hourly count of a topic: the shared detector (detect.ts) over the column a kind
// watches. The petition spike and the volume spike differ only in the column and the settings.

import type { AlertSettings } from '../../config/alerts-schema.ts';
import { detectSpike, lookbackHours } from '../detect.ts';
import { allPosts, petitionMentions } from '../bucket-counts.ts';
import type { AlertKind, TrendBucket } from '../types.ts';
import type { AlertRule } from './rule.ts';

export type CountColumn = 'posts' | 'petitionMentions';

export function countSpikeRule(kind: AlertKind, column: CountColumn, settings: AlertSettings): AlertRule {
  return {
    kind,
    lookbackHours: lookbackHours(settings),
    cooldownHours: settings.cooldownHours,
    counted: column === 'posts' ? allPosts : petitionMentions,
    evaluate(buckets: readonly TrendBucket[], now: number) {
      const series = buckets.map((b) => ({ hourStart: Date.parse(b.bucketStart), count: b[column] }));
      const detection = detectSpike(series, now, settings);
      if (detection.status !== 'spike') return null;
      const { windowStart, windowEnd, count, baseline, threshold, pValue, basis } = detection;
      return { windowStart, windowEnd, count, baseline, threshold, pValue, basis };
    },
  };
}
