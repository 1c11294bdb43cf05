// `trends --format chart`: the demo's terminal bar chart for any topic and range, one chart of posts
// and one of petition mentions per topic.

import type { Config } from '../config/schema.ts';
import type { TrendBucket } from '../core/types.ts';
import { renderHourlyChart } from './chart.ts';

/** Wider than this, a chart wraps in most terminals. */
const WIDE_COLUMNS = 200;

export function renderTrendCharts(buckets: readonly TrendBucket[], config: Config, bucket: 'hour' | 'day'): string {
  const topics = [...new Set(buckets.map((b) => b.topic))];
  const parts = topics.flatMap((topic) => {
    const series = buckets.filter((b) => b.topic === topic);
    const name = config.topics.find((t) => t.id === topic)?.name ?? topic;
    const source = series[0]?.source ? `, source ${series[0].source}` : '';
    const per = bucket === 'day' ? 'day' : 'hour';
    const first = series[0]?.bucketStart.slice(0, 16).replace('T', ' ');
    const last = series.at(-1)?.bucketStart.slice(0, 16).replace('T', ' ');
    return [
      `${name} (${topic}${source}): posts per ${per}, ${first} to ${last} UTC, oldest on the left`,
      renderHourlyChart(series.map((b) => ({ hourStart: b.bucketStart, value: b.posts }))),
      `${name} (${topic}${source}): petition mentions per ${per}`,
      renderHourlyChart(series.map((b) => ({ hourStart: b.bucketStart, value: b.petitionMentions }))),
    ];
  });
  const columns = buckets.length / Math.max(1, topics.length);
  const note = columns > WIDE_COLUMNS ? [`(${columns} columns: use --bucket day or a shorter --since for a narrower chart)\n`] : [];
  return [...parts, ...note].join('\n');
}
