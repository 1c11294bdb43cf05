import { describe, expect, it } from 'vitest';

import { formatAlertMessage, SUBJECT_MAX_LENGTH } from '../../../lambdas/core/alert-message.ts';
import type { SpikeAlert } from '../../../lambdas/core/types.ts';
import { sampleAlert } from '../../helpers/alerts.ts';

// The formatting tests need a second top post without a link, and a p-value with more digits.
const alert = (overrides: Partial<SpikeAlert> = {}): SpikeAlert =>
  sampleAlert({
    pValue: 1.234e-12,
    topPosts: [
      { title: 'Sign the petition to save Bosch: Legacy', link: 'https://www.change.org/p/save-bosch-legacy', score: 3, petition: true },
      { title: 'Bosch Pit is buzzing\nafter the finale', link: null, score: -1, petition: false },
    ],
    ...overrides,
  });

const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

describe('formatAlertMessage', () => {
  describe('subject', () => {
    it('names the topic, the count, the window and the baseline', () => {
      expect(formatAlertMessage(alert()).subject).toBe(
        'fanpulse: petition spike on "Bosch: Legacy" - 31 mentions in 1h (baseline 0.4)',
      );
    });

    it('stays within the SNS limit for a very long topic name, keeping the numbers and marking the cut', () => {
      const { subject } = formatAlertMessage(alert({ topicName: 'Bosch: Legacy '.repeat(20) }));
      expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
      expect(subject.length).toBeLessThanOrEqual(100);
      expect(subject).toMatch(/^fanpulse: petition spike on "Bosch: Legacy Bosch/);
      expect(subject).toContain('..." - 31 mentions in 1h (baseline 0.4)');
    });

    it('is one line of printable ASCII whatever the topic name holds', () => {
      const { subject } = formatAlertMessage(
        alert({ topicName: 'Bosch’s “Legacy” —\tCafé\r\nédition 🔥' }),
      );
      expect(subject).toMatch(PRINTABLE_ASCII);
      expect(subject).toContain('"Bosch\'s "Legacy" - Cafe edition" - 31');
      expect(subject).toMatch(/^[A-Za-z0-9]/);
    });

    it('falls back to the topic id when the name has no ASCII left', () => {
      const { subject } = formatAlertMessage(alert({ topicName: '🔥🔥🔥' }));
      expect(subject).toContain('"bosch-legacy"');
    });

    it('says "mention" for a single one and shows a multi-hour window in hours', () => {
      const { subject } = formatAlertMessage(
        alert({ count: 1, windowEnd: '2025-03-27T20:00:00.000Z' }),
      );
      expect(subject).toContain('1 mention in 6h');
    });
  });

  describe('body', () => {
    it('explains what happened and gives every number behind it', () => {
      const { body } = formatAlertMessage(alert());
      expect(body.split('\n')[0]).toBe(
        'Petition spike for "Bosch: Legacy" (bosch-legacy): 31 mentions in 1h ' +
          '(2025-03-27 14:00-15:00 UTC), where about 0.4 would be usual.',
      );
      expect(body).toContain('Mentions in the window:  31');
      expect(body).toContain('Baseline (expected):     0.4');
      expect(body).toContain('Spike threshold:         6');
      expect(body).toContain('p-value:                 1.2e-12');
      expect(body).toContain('Window (UTC):            2025-03-27 14:00-15:00 UTC');
    });

    it('reports the sentiment of the spike', () => {
      const { body } = formatAlertMessage(alert());
      expect(body).toContain('Mean score:  +1.8');
      expect(body).toContain('Positive: 20   Negative: 3   Neutral: 8');
    });

    it('lists the top posts with their titles and links, each title on one line', () => {
      const { body } = formatAlertMessage(alert());
      expect(body).toContain('1. Sign the petition to save Bosch: Legacy [sentiment +3, petition]');
      expect(body).toContain('     https://www.change.org/p/save-bosch-legacy');
      expect(body).toContain('2. Bosch Pit is buzzing after the finale [sentiment -1]');
      expect(body).toContain('     (no link)');
    });

    it('still reads well when no posts were kept', () => {
      const { body } = formatAlertMessage(alert({ topPosts: [] }));
      expect(body).toContain('Top posts\n  (no posts were kept for this window)\n');
    });

    it('tells the reader how to look further', () => {
      expect(formatAlertMessage(alert()).body).toContain(
        'npx fanpulse trends --topic bosch-legacy --since 2d',
      );
    });

    it('writes a window that crosses midnight with both dates', () => {
      const { body } = formatAlertMessage(
        alert({ windowStart: '2025-03-27T23:00:00.000Z', windowEnd: '2025-03-28T01:00:00.000Z' }),
      );
      expect(body).toContain('2025-03-27 23:00 to 2025-03-28 01:00 UTC');
    });

    it('is plain text, not HTML', () => {
      const { body } = formatAlertMessage(alert());
      expect(body).not.toMatch(/<[a-z/][^>]*>/i);
    });
  });

  it('gives the same text for the same alert', () => {
    expect(formatAlertMessage(alert())).toEqual(formatAlertMessage(alert()));
  });
});
