// The digest's content against numbers worked out by hand from the buckets, posts, alerts and
// sources below (UTC campaign, so the day is 2026-11-30T00:00Z to 2026-12-01T00:00Z).

import { describe, expect, it } from 'vitest';
import { buildDigest, dueDigests } from '../../../lambdas/core/digest.ts';
import { formatDigestText } from '../../../lambdas/core/digest-message.ts';
import { initialSourceState } from '../../../lambdas/core/source-health.ts';
import type { ListedPost, TrendBucket } from '../../../lambdas/core/types.ts';
import { sampleAlert } from '../../helpers/alerts.ts';

const zeroPetitionSplit = { petitionPositive: 0, petitionNegative: 0, petitionNeutral: 0, petitionSentimentSum: 0 };

const bucket = (bucketStart: string, posts: number, petitionMentions: number, positive: number, negative: number, sentimentSum: number): TrendBucket => ({
  topic: 'bosch-legacy',
  source: null,
  bucketStart,
  posts,
  petitionMentions,
  positive,
  negative,
  neutral: posts - positive - negative,
  sentimentSum,
  // The digest reads topic-wide counts only; the petition mentions' own split plays no part.
  ...zeroPetitionSplit,
  sentimentMean: posts ? sentimentSum / posts : 0,
});

const buckets = [
  bucket('2026-11-22T23:00:00.000Z', 50, 50, 50, 0, 99), // before the 7 days: ignored
  // The 7 days before: 21 posts, 7 mentions, sentiment sum 12.
  bucket('2026-11-23T10:00:00.000Z', 10, 2, 5, 2, 7),
  bucket('2026-11-25T12:00:00.000Z', 4, 1, 1, 1, -1),
  bucket('2026-11-29T23:00:00.000Z', 7, 4, 3, 0, 6),
  // The day: 12 posts, 3 mentions, 5 positive, 3 negative, 4 neutral, sentiment sum 5.
  bucket('2026-11-30T08:00:00.000Z', 5, 3, 4, 0, 9),
  bucket('2026-11-30T20:00:00.000Z', 7, 0, 1, 3, -4),
  bucket('2026-12-01T00:00:00.000Z', 100, 100, 0, 0, 0), // today: ignored
];

const post = (id: string, title: string, link: string | null, score: number, petition: boolean, sources: string[]): ListedPost => ({
  id,
  bucketStart: '2026-11-30T08:00:00.000Z',
  published: '2026-11-30T08:10:00.000Z',
  title,
  text: title,
  link,
  author: null,
  sources,
  topics: ['bosch-legacy'],
  petition,
  score,
  label: score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral',
});

const posts = [
  post('a', 'Cancelling Bosch was a mistake', 'https://r.example/a', -6, false, ['reddit']),
  post('b', 'Sign the petition', 'https://change.org/p/bosch', 3, true, ['fans', 'news']),
  post('c', 'Sign the petition (repost)', 'https://change.org/p/bosch', 5, true, ['reddit']),
  post('d', 'Petition hits 10k', 'https://news.example/10k', 1, true, ['news']),
  post('e', 'Loved the finale', 'https://fans.example/e', 4, false, ['fans']),
  post('f', 'Rewatching', null, 0, false, ['fans']),
  post('g', 'Ballard trailer', 'https://fans.example/g', 2, false, ['fans']),
];

const [period] = dueDigests(['bosch-legacy'], { hour: 9, timeZone: 'UTC', weekly: false }, new Date('2026-12-01T09:05:00Z'));
const digest = buildDigest({
  period: period!,
  topicName: 'Bosch: Legacy',
  buckets,
  posts,
  alerts: [
    sampleAlert({ id: 'in', windowStart: '2026-11-30T08:00:00.000Z', windowEnd: '2026-11-30T09:00:00.000Z', count: 3, baseline: 0.25 }),
    sampleAlert({ id: 'other-topic', topic: 'ballard', windowStart: '2026-11-30T10:00:00.000Z' }),
    sampleAlert({ id: 'day-before', windowStart: '2026-11-29T23:00:00.000Z' }),
  ],
  sources: [
    { ...initialSourceState('fans'), type: 'rss', health: 'ok' },
    { ...initialSourceState('news'), type: 'rss', health: 'failing', lastError: 'HTTP 503 from https://news.example.org/rss' },
    { ...initialSourceState('reddit'), type: 'reddit', health: 'ok', rejected: 2 },
  ],
  now: new Date('2026-12-01T09:05:00Z'),
});

describe('buildDigest', () => {
  it("counts yesterday's posts, mentions and sentiment, and the 7 days before as a daily average", () => {
    expect(digest).toMatchObject({ id: 'bosch-legacy#daily-digest#2026-11-30', since: '2026-11-30T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' });
    expect(digest.totals).toEqual({ posts: 12, petitionMentions: 3, positive: 5, negative: 3, neutral: 4, sentimentMean: 5 / 12 });
    expect(digest.usual).toEqual({ posts: 3, petitionMentions: 1, positive: 9 / 7, negative: 3 / 7, neutral: 9 / 7, sentimentMean: 12 / 21, periods: 7 });
  });

  it('quotes five distinct top posts, petition mentions first, then the strongest feelings, with their sources', () => {
    expect(digest.topPosts.map((p) => [p.title, p.sources])).toEqual([
      ['Sign the petition (repost)', ['reddit']], // petition, |5|; its link's other post (|3|) is the same story
      ['Petition hits 10k', ['news']],
      ['Cancelling Bosch was a mistake', ['reddit']], // |-6|
      ['Loved the finale', ['fans']],
      ['Ballard trailer', ['fans']],
    ]);
  });

  it("keeps the topic's alerts whose window starts in the day, and the sources failing or dropping items", () => {
    expect(digest.alerts).toEqual([{ id: 'in', kind: 'petition-spike', windowStart: '2026-11-30T08:00:00.000Z', windowEnd: '2026-11-30T09:00:00.000Z', count: 3, baseline: 0.25 }]);
    expect(digest.sourcesNeedingAttention).toEqual([
      { sourceId: 'news', type: 'rss', health: 'failing', lastError: 'HTTP 503 from https://news.example.org/rss', rejected: 0 },
      { sourceId: 'reddit', type: 'reddit', health: 'ok', lastError: null, rejected: 2 },
    ]);
  });
});

describe('formatDigestText', () => {
  const { subject, body } = formatDigestText(digest);

  it('puts the day and its numbers in a short ASCII subject', () => {
    expect(subject).toBe('fanpulse daily digest: "Bosch: Legacy" 2026-11-30 - 12 posts, 3 petition mentions');
    expect(subject.length).toBeLessThan(100);
  });

  it('compares each number with the usual, in words a reader checks at a glance', () => {
    const lines = body.split('\n');
    expect(lines[0]).toBe('Daily digest for "Bosch: Legacy" (bosch-legacy): Monday 2026-11-30 (UTC)');
    expect(lines).toContain('  Posts:              12 (usual 3, +300%)');
    expect(lines).toContain('  Petition mentions:  3 (usual 1, +200%)');
    expect(lines).toContain('  Sentiment:          +0.42 mean (usual +0.57); 5 positive, 3 negative, 4 neutral');
    expect(lines).toContain('  1. Sign the petition (repost) [petition, sentiment +5.00, reddit]');
    expect(lines).toContain('     https://change.org/p/bosch');
    expect(lines).toContain('  petition spike 08:00 UTC: 3 (usual 0.3)');
    expect(lines).toContain('  news (rss): failing - HTTP 503 from https://news.example.org/rss');
    expect(lines).toContain('  reddit (rss): ok; 2 unreadable item(s)'.replace('(rss)', '(reddit)'));
    expect(lines).toContain('  npx fanpulse trends --topic bosch-legacy --since 2026-11-30T00:00:00.000Z --until 2026-12-01T00:00:00.000Z --bucket day');
    expect(lines.at(-2)).toBe('fanpulse digest bosch-legacy#daily-digest#2026-11-30');
  });
});
