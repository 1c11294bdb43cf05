// The YouTube quota's reset: the next midnight in America/Los_Angeles, worked out by hand
// (PST = UTC-8, PDT = UTC-7; in 2026 PDT runs from 8 March 02:00 to 1 November 02:00 local).

import { describe, expect, it } from 'vitest';
import { nextPacificMidnight } from '../../../../lambdas/adapters/sources/youtube/quota-reset.ts';

describe('nextPacificMidnight', () => {
  it.each([
    ['2026-11-20T12:00:00Z', '2026-11-21T08:00:00.000Z', 'a winter morning'],
    ['2026-11-20T07:59:59Z', '2026-11-20T08:00:00.000Z', 'a second before a winter midnight'],
    ['2026-11-20T08:00:00Z', '2026-11-21T08:00:00.000Z', 'midnight itself: the next one'],
    ['2026-07-01T06:59:00Z', '2026-07-01T07:00:00.000Z', 'a minute before a summer midnight'],
    ['2026-07-01T07:00:00Z', '2026-07-02T07:00:00.000Z', 'a summer midnight'],
    ['2026-03-07T20:00:00Z', '2026-03-08T08:00:00.000Z', 'noon before the spring change: midnight is still PST'],
    ['2026-03-08T09:30:00Z', '2026-03-09T07:00:00.000Z', '01:30 PST on the spring change: the next midnight is PDT'],
    ['2026-11-01T06:30:00Z', '2026-11-01T07:00:00.000Z', '23:30 PDT before the autumn change'],
    ['2026-11-01T12:00:00Z', '2026-11-02T08:00:00.000Z', '04:00 PST after the autumn change'],
    ['2026-12-31T23:00:00Z', '2027-01-01T08:00:00.000Z', 'New Year in UTC is still the 31st in Los Angeles'],
  ])('from %s is %s (%s)', (now, reset) => {
    expect(nextPacificMidnight(new Date(now)).toISOString()).toBe(reset);
  });
});
