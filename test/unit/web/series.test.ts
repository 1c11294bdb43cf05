import { describe, expect, it } from 'vitest';
import { zeroCounts } from '../../../lambdas/core/bucket-counts.ts';
import type { TrendBucket } from '../../../web/src/api.ts';
import { netSentiment, shareOfVoice, toGrid, trendsCsv } from '../../../web/src/series.ts';

const bucket = (topic: string, source: string | null, bucketStart: string, posts: number, positive = 0, negative = 0): TrendBucket => ({
  ...zeroCounts(), topic, source, bucketStart, posts, positive, negative, neutral: posts - positive - negative, sentimentMean: 0,
});
const H10 = '2026-11-20T10:00:00.000Z';
const H11 = '2026-11-20T11:00:00.000Z';

describe('toGrid', () => {
  it('aligns every series on one ascending time axis, a gap where a series has no bucket', () => {
    const grid = toGrid([bucket('a', null, H11, 2), bucket('a', null, H10, 1), bucket('b', null, H11, 5)]);
    expect(grid.times).toEqual([H10, H11]);
    expect(grid.series.map((s) => [s.key, s.buckets.map((b) => b?.posts ?? null)])).toEqual([
      ['a', [1, 2]],
      ['b', [null, 5]],
    ]);
  });

  it('keeps one series per topic and source when split by source', () => {
    const grid = toGrid([bucket('a', 'fans', H10, 1), bucket('a', 'news', H10, 2), bucket('b', 'fans', H10, 3)]);
    expect(grid.series.map((s) => [s.key, s.topic, s.source])).toEqual([
      ['a · fans', 'a', 'fans'],
      ['a · news', 'a', 'news'],
      ['b · fans', 'b', 'fans'],
    ]);
  });
});

describe('netSentiment', () => {
  it('is (positive − negative) / posts, and nothing without posts', () => {
    expect(netSentiment({ posts: 4, positive: 3, negative: 1 })).toBe(0.5);
    expect(netSentiment({ posts: 2, positive: 0, negative: 2 })).toBe(-1);
    expect(netSentiment({ posts: 0, positive: 0, negative: 0 })).toBeNull();
  });
});

describe('shareOfVoice', () => {
  it("gives each topic its part of the range's posts, largest first, silent topics included", () => {
    const shares = shareOfVoice([bucket('a', null, H10, 1), bucket('a', null, H11, 2), bucket('b', null, H10, 9)], ['a', 'b', 'c']);
    expect(shares).toEqual([
      { topic: 'b', posts: 9, share: 0.75 },
      { topic: 'a', posts: 3, share: 0.25 },
      { topic: 'c', posts: 0, share: 0 },
    ]);
  });

  it('is zero everywhere when nothing was posted', () => {
    expect(shareOfVoice([bucket('a', null, H10, 0)], ['a'])).toEqual([{ topic: 'a', posts: 0, share: 0 }]);
  });
});

describe('trendsCsv', () => {
  it('writes a header and one row per bucket, with net sentiment and empty cells for none', () => {
    const csv = trendsCsv([{ ...bucket('a', null, H10, 4, 3, 1), petitionMentions: 2, sentimentMean: 1.25 }, bucket('a', 'fans', H11, 0)]);
    expect(csv.split('\r\n')).toEqual([
      'topic,source,bucketStart,posts,petitionMentions,positive,negative,neutral,sentimentMean,netSentiment',
      `a,,${H10},4,2,3,1,0,1.25,0.5`,
      `a,fans,${H11},0,0,0,0,0,0,`,
      '',
    ]);
  });

  it('quotes cells with commas or quotes and defuses spreadsheet formulas', () => {
    const csv = trendsCsv([bucket('=cmd', 'a,"b"', H10, 1)]);
    expect(csv.split('\r\n')[1]).toBe(`'=cmd,"a,""b""",${H10},1,0,0,0,1,0,0`);
  });
});
