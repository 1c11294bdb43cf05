// A daily digest as a pass builds it, for tests of formatting and delivery.

import type { Digest } from '../../lambdas/core/types.ts';

export function sampleDigest(overrides: Partial<Digest> = {}): Digest {
  return {
    id: 'bosch-legacy#daily-digest#2026-11-30',
    topic: 'bosch-legacy',
    topicName: 'Bosch: Legacy',
    period: 'daily',
    timeZone: 'UTC',
    firstDay: '2026-11-30',
    lastDay: '2026-11-30',
    since: '2026-11-30T00:00:00.000Z',
    until: '2026-12-01T00:00:00.000Z',
    totals: { posts: 12, petitionMentions: 3, positive: 5, negative: 3, neutral: 4, sentimentMean: 5 / 12 },
    usual: { posts: 3, petitionMentions: 1, positive: 1, negative: 1, neutral: 1, sentimentMean: 0.5, periods: 7 },
    topPosts: [{ title: 'Sign the petition', link: 'https://www.change.org/p/save-bosch-legacy', sources: ['fans'], score: 3, label: 'positive', petition: true }],
    alerts: [],
    sourcesNeedingAttention: [],
    createdAt: '2026-12-01T09:05:00.000Z',
    ...overrides,
  };
}
