// The dashboard's numbers as CloudWatch metrics, written as embedded metric format (EMF) log lines
// through Powertools: no PutMetricData calls, no extra permission.
//
// Each pass publishes every topic's hourly totals for the last DASHBOARD_HOURS hours, timestamped
// at the start of the hour they belong to. A bucket's totals only grow, so a 1-hour Maximum on the
// dashboard is exactly what `fanpulse trends` shows for that hour, however many passes reported it
// and even when a late post lands in an earlier hour.

import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { PassReport } from '../core/pipeline.ts';
import type { TrendBucket } from '../core/types.ts';

/** How far back each pass re-publishes hourly totals (late posts in older hours reach only the CLI). */
export const DASHBOARD_HOURS = 24;

/** Metric names; the monitoring construct graphs them with dimensions { service, topic }. */
export const TOPIC_METRICS = {
  posts: 'Posts',
  petitionMentions: 'PetitionMentions',
  positive: 'PositivePosts',
  negative: 'NegativePosts',
} as const;
/** Per pass, dimension { service } only. */
export const PASS_METRICS = { newPosts: 'NewPosts', sourcesFailed: 'SourcesFailed' } as const;

export function publishDashboardMetrics(metrics: Metrics, report: PassReport, hourly: readonly TrendBucket[]): void {
  for (const bucket of hourly) {
    // One EMF record per topic-hour: a record carries one timestamp and one set of dimensions.
    metrics.setTimestamp(new Date(bucket.bucketStart));
    metrics.addDimension('topic', bucket.topic);
    metrics.addMetric(TOPIC_METRICS.posts, MetricUnit.Count, bucket.posts);
    metrics.addMetric(TOPIC_METRICS.petitionMentions, MetricUnit.Count, bucket.petitionMentions);
    metrics.addMetric(TOPIC_METRICS.positive, MetricUnit.Count, bucket.positive);
    metrics.addMetric(TOPIC_METRICS.negative, MetricUnit.Count, bucket.negative);
    metrics.publishStoredMetrics();
  }
  if (report.skipped) return;
  metrics.setTimestamp(new Date(report.at));
  metrics.addMetric(PASS_METRICS.newPosts, MetricUnit.Count, report.newPosts);
  metrics.addMetric(PASS_METRICS.sourcesFailed, MetricUnit.Count, report.sources.filter((s) => s.status === 'failed').length);
  metrics.publishStoredMetrics();
}

/** The CloudWatch namespace; the service dimension (the stack's name) tells deployments apart. */
export const METRICS_NAMESPACE = 'Fanpulse';
