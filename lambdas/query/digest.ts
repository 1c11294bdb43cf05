// Reads what a topic's digest is built from, through the same read paths as `fanpulse trends`,
// `posts`, `alerts` and `sources`, and builds it (lambdas/core/digest.ts).

import type { Config } from '../config/schema.ts';
import { buildDigest, digestHours, type DigestPeriod } from '../core/digest.ts';
import type { Store } from '../core/ports.ts';
import type { Digest } from '../core/types.ts';
import { POSTS_LIMIT } from './params.ts';
import { planPosts, readAlerts, readSources, readTrends } from './read.ts';

export async function readDigest(store: Store, config: Config, period: DigestPeriod, now: Date): Promise<Digest> {
  const topic = config.topics.find((t) => t.id === period.topic)!;
  const hours = digestHours(period);
  const range = { since: new Date(period.sinceMs).toISOString(), until: new Date(period.untilMs).toISOString() };
  const [buckets, posts, alerts, sources] = await Promise.all([
    readTrends(store, config, { topic: topic.id, since: hours.since, until: hours.until, bucket: 'hour', format: 'json' }, now),
    // The top posts are ranked from the period's latest posts (up to the posts command's page maximum).
    planPosts(config, { topic: topic.id, since: range.since, until: range.until, limit: POSTS_LIMIT.max, format: 'json' }, now)(store),
    readAlerts(store, { since: range.since, until: range.until, format: 'json' }, now),
    readSources(store, config),
  ]);
  return buildDigest({
    period,
    topicName: topic.name ?? topic.id,
    buckets,
    posts: posts.posts,
    alerts,
    sources: sources.filter((s) => config.sources.find((c) => c.id === s.sourceId)?.topics.includes(topic.id)),
    now,
  });
}
