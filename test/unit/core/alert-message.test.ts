// The alert's words, against text written out by hand from the sample alert: 31 petition mentions
// on a usual 0.4 (31 / 0.4 = 77.5, "about 78×"), 20 positive, 3 negative, 8 neutral, the hour
// 14:00-15:00 UTC on Thursday 27 March 2025.

import { describe, expect, it } from 'vitest';

import { describeAlert, formatAlertMessage, SUBJECT_MAX_LENGTH, type AlertMessageContext } from '../../../lambdas/core/alert-message.ts';
import type { SpikeAlert } from '../../../lambdas/core/types.ts';
import { sampleAlert } from '../../helpers/alerts.ts';

const alert = (overrides: Partial<SpikeAlert> = {}): SpikeAlert =>
  sampleAlert({
    pValue: 1.234e-12,
    topPosts: [
      { title: 'Sign the petition to save Bosch: Legacy', link: 'https://www.change.org/p/save-bosch-legacy', score: 3, petition: true, source: 'petition-updates' },
      { title: 'Bosch Pit is buzzing\nafter the finale', link: null, score: -1, petition: false, source: 'bosch-pit-forum' },
    ],
    ...overrides,
  });

const LAPTOP: AlertMessageContext = {
  timeZone: 'America/Los_Angeles',
  store: { kind: 'data-dir', configPath: '/home/fan/Save Bosch/fanpulse.config.json', dataDir: '/home/fan/Save Bosch/.fanpulse' },
};

const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

describe('formatAlertMessage', () => {
  it('reads, whole, as an organiser gets it on a laptop in Los Angeles', () => {
    expect(formatAlertMessage(alert(), LAPTOP)).toEqual({
      subject: 'fanpulse: petition spike on "Bosch: Legacy" - 31 mentions in 1h, ~78x usual, a push',
      body: [
        'Petition spike on "Bosch: Legacy" (bosch-legacy)',
        '',
        '31 petition mentions in the last hour (Thursday morning), about 78× the usual at this time of day (0.4).',
        'Mostly positive, a push: 20 positive, 3 negative, 8 neutral.',
        '',
        'When: Thu 2025-03-27 07:00-08:00 America/Los_Angeles (14:00-15:00 UTC)',
        '',
        'Top posts',
        '  1. Sign the petition to save Bosch: Legacy',
        '     petition-updates, petition, sentiment +3',
        '     https://www.change.org/p/save-bosch-legacy',
        '  2. Bosch Pit is buzzing after the finale',
        '     bosch-pit-forum, sentiment -1',
        '     (no link)',
        '',
        'Look further',
        "  npx fanpulse posts --topic bosch-legacy --petition --since 2025-03-27T14:00Z --until 2025-03-27T15:00Z --config '/home/fan/Save Bosch/fanpulse.config.json' --data-dir '/home/fan/Save Bosch/.fanpulse'",
        "  npx fanpulse alerts --since 2025-03-27T14:00Z --config '/home/fan/Save Bosch/fanpulse.config.json' --data-dir '/home/fan/Save Bosch/.fanpulse'",
        '',
        'The numbers',
        '  Petition mentions in the window:       31',
        '  Usual at this time of day:             0.4',
        '  Alert threshold:                       6',
        '  Chance of this many by luck (p-value): 1.2e-12',
        '  Mean sentiment score:                  +1.8',
        '  Detected:                              Thu 2025-03-27 08:02 America/Los_Angeles (15:02 UTC)',
        '',
        '--',
        'fanpulse alert bosch-legacy#petition-spike#2025-03-27T14:00:00.000Z',
        '',
      ].join('\n'),
    });
  });

  it('gives the deployed table\'s command, with its region, when there is no dashboard', () => {
    const { body } = formatAlertMessage(alert(), {
      store: { kind: 'table', table: 'Fanpulse-StorageTable-1A2B3C', region: 'us-west-2', configPath: 'configs/bosch.json' },
    });
    expect(body).toContain(
      '\n  AWS_REGION=us-west-2 FANPULSE_TABLE=Fanpulse-StorageTable-1A2B3C npx fanpulse posts --topic bosch-legacy --petition --since 2025-03-27T14:00Z --until 2025-03-27T15:00Z --config configs/bosch.json\n',
    );
  });

  it('links the dashboard instead of giving commands when its address is known', () => {
    const { body } = formatAlertMessage(alert(), { ...LAPTOP, pageUrl: 'https://abc.execute-api.us-west-2.amazonaws.com/' });
    expect(body).toContain('\nOn the dashboard\n  https://abc.execute-api.us-west-2.amazonaws.com/?range=custom&');
    expect(body).not.toContain('npx fanpulse');
  });

  it('gives times in UTC alone by default, and says "night" after 21:00', () => {
    const { body } = formatAlertMessage(alert({ windowStart: '2025-03-27T22:00:00.000Z', windowEnd: '2025-03-27T23:00:00.000Z' }));
    expect(body).toContain('\nWhen: Thu 2025-03-27 22:00-23:00 UTC\n');
    expect(body).toContain('31 petition mentions in the last hour (Thursday night),');
  });

  it('writes both days when the window crosses midnight in the campaign\'s zone, and the UTC day when it differs', () => {
    const window = { windowStart: '2025-03-28T03:00:00.000Z', windowEnd: '2025-03-28T09:00:00.000Z' };
    const { body } = formatAlertMessage(alert(window), { timeZone: 'America/Los_Angeles' });
    expect(body).toContain('\nWhen: Thu 2025-03-27 20:00 to Fri 2025-03-28 02:00 America/Los_Angeles (Fri 2025-03-28 03:00-09:00 UTC)\n');
    expect(body).toContain('31 petition mentions in the last 6 hours (Friday night),');
  });

  it('says when a spike is mostly negative: a backlash', () => {
    const content = describeAlert(alert({ positive: 4, negative: 19, neutral: 8, sentimentMean: -1.2 }));
    expect([content.tone, content.sentiment]).toEqual(['backlash', 'Mostly negative, a backlash: 19 negative, 4 positive, 8 neutral.']);
    expect(formatAlertMessage(alert({ positive: 4, negative: 19, neutral: 8 })).subject).toMatch(/, a backlash$/);
  });

  it('calls a split with no majority mixed, and a neutral majority neutral', () => {
    expect(describeAlert(alert({ positive: 12, negative: 11, neutral: 8 })).sentiment).toBe('Mixed: 12 positive, 11 negative, 8 neutral.');
    expect(describeAlert(alert({ positive: 5, negative: 6, neutral: 20 })).sentiment).toBe('Mostly neutral: 20 neutral, 5 positive, 6 negative.');
  });

  it('says how many counted posts have no known sentiment (buckets from before it was kept)', () => {
    expect(describeAlert(alert({ positive: 18, negative: 3, neutral: 3, unscored: 7 })).sentiment).toBe(
      'Mostly positive, a push: 18 positive, 3 negative, 3 neutral. 7 more were counted before fanpulse kept their sentiment.',
    );
    const unknown = describeAlert(alert({ positive: 0, negative: 0, neutral: 0, unscored: 31 }));
    expect([unknown.tone, unknown.sentiment]).toEqual(['unknown', 'Sentiment not known: these were counted before fanpulse kept it (fanpulse recount rebuilds it).']);
  });

  it('does not multiply a baseline of almost nothing', () => {
    const { headline } = describeAlert(alert({ baseline: 0.01 }));
    expect(headline).toBe('31 petition mentions in the last hour (Thursday afternoon), where this time of day usually has none.');
    expect(formatAlertMessage(alert({ baseline: 0.01 })).subject).toContain('- 31 mentions in 1h, usually none, a push');
  });

  it('says "so far" while the history is short, not "at this time of day"', () => {
    expect(describeAlert(alert({ basis: 'short-history', baseline: 2.5 })).headline).toBe(
      "31 petition mentions in the last hour (Thursday afternoon), about 12× the usual so far (2.5; the topic's history is still short).",
    );
  });

  it('never leads with the p-value', () => {
    const { body } = formatAlertMessage(alert());
    expect(body.indexOf('p-value')).toBeGreaterThan(body.indexOf('Top posts'));
  });

  it('keeps each title on its line and names a post\'s site when its source is unknown (older buckets)', () => {
    const { posts } = describeAlert(alert({ topPosts: [{ title: 'Line one\r\nline two', link: 'https://www.reddit.com/r/BoschLegacy/x', score: 2, petition: true }] }));
    expect(posts).toEqual([{ title: 'Line one line two', link: 'https://www.reddit.com/r/BoschLegacy/x', source: 'reddit.com', score: 2, petition: true }]);
  });

  it('still reads well when no posts were kept', () => {
    expect(formatAlertMessage(alert({ topPosts: [] })).body).toContain('Top posts\n  (no posts were kept for this window)\n');
  });

  it('says a window that is not whole hours as it is', () => {
    const partial = alert({ windowStart: '2025-03-27T13:00:00.000Z', windowEnd: '2025-03-27T14:40:00.000Z' });
    expect(describeAlert(partial).headline).toMatch(/^31 petition mentions in the last 1 h 40 min \(Thursday afternoon\)/);
    expect(formatAlertMessage(partial).subject).toContain('31 mentions in 1h40m');
  });

  it('words a kind it has no entry for from its name, counting posts', () => {
    const other = alert({ kind: 'volume-spike' as SpikeAlert['kind'] });
    expect(describeAlert(other).title).toBe('Volume spike on "Bosch: Legacy"');
    expect(describeAlert(other).headline).toMatch(/^31 posts in the last hour/);
    expect(formatAlertMessage(other).subject).toMatch(/^fanpulse: volume spike on "Bosch: Legacy" - 31 posts in 1h/);
  });

  describe('subject', () => {
    it('stays within the SNS limit for a very long topic name, keeping the numbers and marking the cut', () => {
      const { subject } = formatAlertMessage(alert({ topicName: 'Bosch: Legacy '.repeat(20) }));
      expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
      expect(subject).toMatch(/^fanpulse: petition spike on "Bosch: Legacy Bosch/);
      expect(subject).toContain('..." - 31 mentions in 1h, ~78x usual, a push');
    });

    it('is one line of printable ASCII whatever the topic name holds', () => {
      const { subject } = formatAlertMessage(alert({ topicName: 'Bosch’s “Legacy” —\tCafé\r\n🔥' }));
      expect(subject).toMatch(PRINTABLE_ASCII);
      expect(subject).toContain('"Bosch\'s "Legacy" - Cafe" - 31');
      expect(subject).toMatch(/^[A-Za-z0-9]/);
    });

    it('falls back to the topic id when the name has no ASCII left', () => {
      expect(formatAlertMessage(alert({ topicName: '🔥🔥🔥' })).subject).toContain('"bosch-legacy"');
    });

    it('says "mention" for a single one and shows a multi-hour window in hours', () => {
      const { subject } = formatAlertMessage(alert({ count: 1, windowEnd: '2025-03-27T20:00:00.000Z' }));
      expect(subject).toContain('1 mention in 6h, ~2.5x usual');
    });
  });

  it('is plain text, not HTML, and the same for the same alert', () => {
    expect(formatAlertMessage(alert()).body).not.toMatch(/<[a-z/][^>]*>/i);
    expect(formatAlertMessage(alert(), LAPTOP)).toEqual(formatAlertMessage(alert(), LAPTOP));
  });
});
