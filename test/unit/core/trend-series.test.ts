import { describe, expect, it } from 'vitest';
import { SeriesFormatError } from '../../../lambdas/core/series.ts';
import { parseReplaySeries } from '../../../lambdas/core/trend-series.ts';

// The header and rows as `fanpulse trends --format csv` writes them (lambdas/query/trend-columns.ts).
const HEADER = 'topic,source,bucketStart,posts,petitionMentions,positive,negative,neutral,sentimentMean';
const row = (topic: string, bucketStart: string, posts: number, petition: number, negative: number) =>
  `${topic},all,${bucketStart},${posts},${petition},0,${negative},${posts - negative},${posts ? (-negative / posts).toFixed(2) : '0.00'}`;

const refusal = (text: string) => {
  try {
    parseReplaySeries(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SeriesFormatError);
    return (error as Error).message;
  }
  throw new Error('expected the series to be refused');
};

describe('parseReplaySeries', () => {
  it('reads a trends CSV into each topic’s hours, in order', () => {
    const series = parseReplaySeries(
      [
        HEADER,
        row('show', '2026-11-20T10:00:00.000Z', 3, 1, 0),
        row('show', '2026-11-20T11:00:00.000Z', 0, 0, 0),
        row('ballard', '2026-11-20T10:00:00.000Z', 2, 0, 2),
        row('show', '2026-11-20T12:00:00.000Z', 7, 2, 5),
        row('ballard', '2026-11-20T11:00:00.000Z', 1, 0, 0),
      ].join('\n') + '\n',
    );
    expect(series.format).toBe('trends');
    if (series.format !== 'trends') return;
    expect([...series.topics.keys()]).toEqual(['show', 'ballard']);
    expect(series.topics.get('show')).toEqual([
      { hourStart: Date.parse('2026-11-20T10:00:00Z'), posts: 3, petitionMentions: 1, positive: 0, negative: 0, neutral: 3 },
      { hourStart: Date.parse('2026-11-20T11:00:00Z'), posts: 0, petitionMentions: 0, positive: 0, negative: 0, neutral: 0 },
      { hourStart: Date.parse('2026-11-20T12:00:00Z'), posts: 7, petitionMentions: 2, positive: 0, negative: 5, neutral: 2 },
    ]);
  });

  it('still reads a timestamp,count file', () => {
    expect(parseReplaySeries('timestamp,count\n2026-03-20T00:00:00Z,1\n2026-03-20T02:10:00Z,4\n')).toEqual({
      format: 'counts',
      hours: [
        { hourStart: Date.parse('2026-03-20T00:00:00Z'), count: 1 },
        { hourStart: Date.parse('2026-03-20T02:00:00Z'), count: 4 },
      ],
    });
  });

  it('refuses a daily export, naming the row', () => {
    const text = [HEADER, row('show', '2026-11-19T00:00:00.000Z', 30, 2, 3), row('show', '2026-11-20T00:00:00.000Z', 20, 1, 2)].join('\n');
    expect(refusal(text)).toBe(
      'line 3: 2026-11-20T00:00:00.000Z follows 2026-11-19T00:00:00.000Z (line 2) for topic show: a daily series (--bucket day). ' +
        'detect needs every hour in order, as fanpulse trends --bucket hour --format csv writes it',
    );
  });

  it('refuses hours missing from the middle, repeated hours and times that are not whole hours', () => {
    expect(refusal([HEADER, row('show', '2026-11-20T10:00:00.000Z', 1, 0, 0), row('show', '2026-11-20T13:00:00.000Z', 1, 0, 0)].join('\n'))).toMatch(
      /^line 3: .*a gap of 3 hours \(rows removed\?\)/,
    );
    expect(refusal([HEADER, row('show', '2026-11-20T10:00:00.000Z', 1, 0, 0), row('show', '2026-11-20T10:00:00.000Z', 1, 0, 0)].join('\n'))).toMatch(
      /^line 3: .*rows out of order or repeated/,
    );
    expect(refusal([HEADER, row('show', '2026-11-20T10:30:00.000Z', 1, 0, 0)].join('\n'))).toMatch(/^line 2: bucketStart "2026-11-20T10:30:00.000Z" is not the start of a UTC hour/);
  });

  it('refuses missing columns and impossible counts', () => {
    expect(refusal('topic,bucketStart,posts\nshow,2026-11-20T10:00:00.000Z,3\n')).toMatch(/^line 1: .*missing petitionMentions, positive, negative, neutral/);
    expect(refusal([HEADER, 'show,all,2026-11-20T10:00:00.000Z,3,0,0,4,0,0.00'].join('\n'))).toBe('line 2: negative (4) cannot exceed posts (3)');
    expect(refusal([HEADER, 'show,all,2026-11-20T10:00:00.000Z,many,0,0,0,0,0.00'].join('\n'))).toBe('line 2: posts "many" must be a whole number >= 0');
  });
});
