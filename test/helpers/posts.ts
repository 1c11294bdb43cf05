// Builds ScoredPosts for store and aggregation tests: only what a test cares about is given.

import type { ScoredPost, SentimentLabel } from '../../lambdas/core/types.ts';

export function scoredPost(overrides: Partial<ScoredPost> & { key: string; label?: SentimentLabel }): ScoredPost {
  const { key, label = 'neutral', ...rest } = overrides;
  const score = label === 'positive' ? 2 : label === 'negative' ? -2 : 0;
  return {
    sourceId: 'feed-a',
    id: key,
    dedupKey: key,
    link: `https://example.com/${key}`,
    author: null,
    title: `Post ${key}`,
    text: `text of ${key}`,
    published: '2026-11-20T10:15:00.000Z',
    topics: [{ topicId: 'show', petition: false }],
    sentiment: { score, comparative: score / 4, label },
    bucketStart: '2026-11-20T10:00:00.000Z',
    ...rest,
  };
}
