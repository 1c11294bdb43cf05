// A petition-spike alert as the pipeline raises it, for tests of formatting and delivery.

import type { SpikeAlert } from '../../lambdas/core/types.ts';

export function sampleAlert(overrides: Partial<SpikeAlert> = {}): SpikeAlert {
  return {
    id: 'bosch-legacy#petition-spike#2025-03-27T14:00:00.000Z',
    topic: 'bosch-legacy',
    topicName: 'Bosch: Legacy',
    kind: 'petition-spike',
    windowStart: '2025-03-27T14:00:00.000Z',
    windowEnd: '2025-03-27T15:00:00.000Z',
    count: 31,
    baseline: 0.4,
    threshold: 6,
    pValue: 1.2e-12,
    basis: 'seasonal',
    sentimentMean: 1.8,
    positive: 20,
    negative: 3,
    neutral: 8,
    unscored: 0,
    topPosts: [{ title: 'Sign the petition', link: 'https://www.change.org/p/save-bosch-legacy', score: 3, petition: true }],
    detectedAt: '2025-03-27T15:02:11.000Z',
    status: 'pending',
    sentAt: null,
    ...overrides,
  };
}
