// parseRfc822's one-regex road for the common RSS shape must answer exactly as the token reader
// (the parser it sits in front of, unchanged) for every input, matched or not.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeedDate, parseRfc822, parseRfc822Tokens } from '../../../lambdas/core/dates.ts';

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const digits = (min: number, max: number) => fc.integer({ min: 0, max: 10 ** max - 1 }).chain((n) => fc.integer({ min, max }).map((width) => String(n).padStart(width, '0').slice(-Math.max(width, 1))));
const space = pick(' ', ' ', ' ', '  ', '\t', '\u00a0', ', ', ',', '');
const dayName = pick('', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'Fri.', 'fri', 'FRI', 'Friday', 'Thurs', 'Tues', 'Fr', 'Fro', 'Mon,', 'Xyz');
const month = pick('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'jan', 'NOV', 'Sept', 'Sep.', 'June', 'January', 'Ja', 'Mai', 'Noo');
const day = fc.oneof(digits(1, 2), pick('0', '00', '29', '30', '31', '32', '99', '001'));
const year = fc.oneof(digits(4, 4), digits(2, 2), digits(3, 3), pick('2026', '2024', '1900', '2000', '0099', '20260', '49', '50'));
const clock = fc
  .tuple(fc.oneof(digits(1, 2), pick('23', '24', '00')), fc.oneof(digits(2, 2), pick('59', '60', '5')), fc.option(fc.oneof(digits(2, 2), pick('60', '61', '0')), { nil: undefined }))
  .map(([h, m, s]) => (s === undefined ? `${h}:${m}` : `${h}:${m}:${s}`));
const zone = pick('GMT', 'UT', 'UTC', 'Z', 'z', 'gmt', 'EST', 'EDT', 'CST', 'CDT', 'MST', 'MDT', 'PST', 'PDT', 'A', 'M', 'N', 'Y', 'J', 'CEST', 'XYZ', '+0000', '-0000', '+0200', '-0130', '+2359', '+2400', '+0560', '-1200', '+14', '+01:00', 'GMT+1', 'GMT-01:01', 'Etc/GMT', '+', '0200', '', '(UTC)', 'GMT GMT');
const garbage = pick('', 'x', '12', ',', 'at', '12:00', 'Nov', '-', 'ü', 'İ', '\u212a');

/** Fields as the common shape has them, to mix with the tricky ones one at a time. */
const common = {
  dayName: pick('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'),
  day: fc.integer({ min: 1, max: 28 }).map((n) => String(n).padStart(2, '0')),
  month: pick('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'),
  year: fc.integer({ min: 1970, max: 2100 }).map(String),
  clock: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })).map((parts) => parts.map((n) => String(n).padStart(2, '0')).join(':')),
  zone: pick('GMT', '+0000', '-0500', '+0530'),
};

/** Dates in the common shape, mostly; tricky and broken ones around it. */
const date = fc.oneof(
  fc.tuple(pick('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'), fc.integer({ min: 1, max: 31 }), pick('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'), fc.integer({ min: 1900, max: 2100 }), clock, pick('GMT', '+0000', '-0500', '+0530', '+2400', '-9999'))
    .map(([d, n, m, y, c, z]) => `${d}, ${String(n).padStart(2, '0')} ${m} ${y} ${c} ${z}`),
  // The common shape's exact spacing with every field drawn from the tricky ones.
  fc.tuple(fc.option(fc.oneof(common.dayName, dayName), { nil: undefined }), fc.oneof(common.day, day), fc.oneof(common.month, month), fc.oneof(common.year, year), fc.oneof(common.clock, clock), fc.oneof(common.zone, zone)).map(([d, n, m, y, c, z]) => `${d === undefined ? '' : `${d}, `}${n} ${m} ${y} ${c} ${z}`),
  fc.tuple(dayName, space, day, space, month, space, year, space, clock, space, zone).map((parts) => parts.join('')),
  fc.tuple(dayName, space, month, space, day, space, clock, space, year).map((parts) => parts.join('')),
  fc.tuple(pick('', ' ', '\n'), dayName, pick(', ', ' '), day, pick(' '), month, pick(' '), year, pick(' '), clock, pick(' '), zone, garbage, pick('', ' ', '\t')).map((parts) => parts.join('')),
  fc.array(fc.oneof(dayName, month, day, year, clock, zone, garbage, space), { maxLength: 9 }).map((parts) => parts.join(' ')),
);

describe('parseRfc822', () => {
  it('answers as the token reader does, whichever road it takes', () => {
    fc.assert(
      fc.property(date, (raw) => {
        expect(parseRfc822(raw)).toBe(parseRfc822Tokens(raw));
      }),
      { numRuns: 30000 },
    );
  });

  it('takes the one-regex road for the common shape and still reads it right', () => {
    expect(parseRfc822('Fri, 20 Nov 2026 12:00:00 GMT')).toBe('2026-11-20T12:00:00.000Z');
    expect(parseRfc822('1 May 2026 23:59:60 +0130')).toBe('2026-05-01T22:30:00.000Z');
    expect(parseRfc822('Sun, 29 Feb 2026 10:00:00 GMT')).toBeNull();
    expect(parseRfc822('Sun, 01 Feb 2026 10:00:00 +2400')).toBeNull();
    expect(parseFeedDate('  Tue, 03 Jun 2003 09:39:21 GMT \n')).toBe('2003-06-03T09:39:21.000Z');
  });
});
