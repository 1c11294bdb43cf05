import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FanpulseError, UsageError } from '../../../lambdas/core/errors.ts';
import { parseSeriesCsv, parseSeriesTimestamp, SeriesFormatError } from '../../../lambdas/core/series.ts';

const hour = (iso: string) => Date.parse(iso);

function parseError(text: string): SeriesFormatError {
  try {
    parseSeriesCsv(text);
  } catch (error) {
    if (error instanceof SeriesFormatError) return error;
    throw error;
  }
  throw new Error('expected a SeriesFormatError');
}

describe('parseSeriesCsv', () => {
  it('reads a series with a header into hourly counts, oldest first', () => {
    const csv = 'timestamp,count\n2025-03-27T15:00:00Z,4\n2025-03-27T14:00:00Z,2\n';
    expect(parseSeriesCsv(csv)).toEqual([
      { hourStart: hour('2025-03-27T14:00:00Z'), count: 2 },
      { hourStart: hour('2025-03-27T15:00:00Z'), count: 4 },
    ]);
  });

  it('reads a series without a header', () => {
    expect(parseSeriesCsv('2025-03-27T14:00:00Z,2')).toEqual([{ hourStart: hour('2025-03-27T14:00:00Z'), count: 2 }]);
  });

  it('sums sub-hour rows into their clock hour', () => {
    const csv = ['timestamp,value', '2015-02-26 21:42:53,104', '2015-02-26 21:47:53,100', '2015-02-26 22:02:53,7', '2015-02-26 21:59:59.999,1'].join('\n');
    expect(parseSeriesCsv(csv)).toEqual([
      { hourStart: hour('2015-02-26T21:00:00Z'), count: 205 },
      { hourStart: hour('2015-02-26T22:00:00Z'), count: 7 },
    ]);
  });

  it('treats "YYYY-MM-DD HH:MM:SS" and zone-less ISO times as UTC, and honours offsets', () => {
    const csv = ['2025-03-27 14:10:00,1', '2025-03-27T14:20:00,1', '2025-03-27T16:30:00+02:00,1', '2025-03-27T09:45:00-05:00,1', '2025-03-27T14:59Z,1'].join('\n');
    expect(parseSeriesCsv(csv)).toEqual([{ hourStart: hour('2025-03-27T14:00:00Z'), count: 5 }]);
  });

  it('ignores blank lines, CRLF endings, a byte-order mark and quotes around fields', () => {
    const csv = '\uFEFF"timestamp","count"\r\n\r\n"2025-03-27T14:00:00Z", "3"\r\n   \r\n2025-03-27T15:00:00Z,0\r\n';
    expect(parseSeriesCsv(csv)).toEqual([
      { hourStart: hour('2025-03-27T14:00:00Z'), count: 3 },
      { hourStart: hour('2025-03-27T15:00:00Z'), count: 0 },
    ]);
  });

  it('returns nothing for an empty file or a header alone', () => {
    expect(parseSeriesCsv('')).toEqual([]);
    expect(parseSeriesCsv('timestamp,count\n\n')).toEqual([]);
  });

  it('names the line of a bad timestamp, with the formats it accepts', () => {
    const error = parseError('timestamp,count\n2025-03-27T14:00:00Z,1\n\nyesterday,2\n');
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^line 4: "yesterday" is not a timestamp; use ISO-8601/);
  });

  it('rejects dates that do not exist rather than rolling them over', () => {
    expect(parseError('2015-02-30 10:00:00,1').message).toMatch(/line 1: "2015-02-30 10:00:00" is not a timestamp/);
    expect(parseError('2025-03-27T24:00:00Z,1').line).toBe(1);
  });

  it('names the line of a count that is not a whole number >= 0', () => {
    for (const count of ['-1', '1.5', 'many', '']) {
      const error = parseError(`2025-03-27T14:00:00Z,1\n2025-03-27T15:00:00Z,${count}`);
      expect(error.line).toBe(2);
      expect(error.message).toMatch(/must be a whole number >= 0/);
    }
  });

  it('names the line of a row without exactly two fields', () => {
    expect(parseError('2025-03-27T14:00:00Z,1\n2025-03-27T15:00:00Z').message).toMatch(/^line 2: expected 2 comma-separated fields/);
    expect(parseError('2025-03-27T14:00:00Z,1,2').line).toBe(1);
  });

  it('accepts a header only as the first row', () => {
    expect(parseError('2025-03-27T14:00:00Z,1\ntimestamp,count').line).toBe(2);
  });

  it('throws a usage error, so the CLI reports it as the user\'s input', () => {
    const error = parseError('nope,1\n2025-03-27T14:00:00Z,x');
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toBeInstanceOf(FanpulseError);
    expect(error.name).toBe('SeriesFormatError');
  });

  it('keeps every count: the hourly totals sum to the rows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ minute: fc.integer({ min: 0, max: 60 * 24 * 30 }), count: fc.nat({ max: 1000 }) }), { maxLength: 200 }),
        (rows) => {
          const base = Date.UTC(2025, 2, 1);
          const csv = rows.map(({ minute, count }) => `${new Date(base + minute * 60_000).toISOString()},${count}`).join('\n');
          const series = parseSeriesCsv(csv);
          expect(series.reduce((sum, b) => sum + b.count, 0)).toBe(rows.reduce((sum, r) => sum + r.count, 0));
          for (let i = 0; i < series.length; i++) {
            expect(series[i]!.hourStart % 3_600_000).toBe(0);
            if (i > 0) expect(series[i]!.hourStart).toBeGreaterThan(series[i - 1]!.hourStart);
          }
        },
      ),
    );
  });
});

describe('parseSeriesTimestamp', () => {
  it('reads what Date understands in ISO form, to the millisecond', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), (date) => {
        expect(parseSeriesTimestamp(date.toISOString())).toBe(date.getTime());
      }),
    );
  });

  it('reads a date alone as its midnight UTC', () => {
    expect(parseSeriesTimestamp('2025-03-27')).toBe(hour('2025-03-27T00:00:00Z'));
  });

  it('returns null for text that is not a timestamp', () => {
    for (const text of ['', 'timestamp', '27/03/2025 14:00', '2025-3-27', '2025-03-27T14:61:00Z', '1742990400']) {
      expect(parseSeriesTimestamp(text)).toBeNull();
    }
  });
});
