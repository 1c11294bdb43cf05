// Which digest is due when, in the campaign's time zone: the hour is wall-clock time (DST moves it
// in UTC), a DST day is 23 or 25 hours long, and the weekly digest comes on its weekday. Expected
// instants are worked out by hand from the zones' rules (US: DST ends the first Sunday of November
// at 02:00 PDT and starts the second Sunday of March at 02:00 PST; EU: last Sunday of March at 01:00 UTC).

import { describe, expect, it } from 'vitest';
import { dueDigests } from '../../../lambdas/core/digest.ts';
import { startOfDay, wallClock } from '../../../lambdas/core/zoned-time.ts';

const LA = { hour: 9, timeZone: 'America/Los_Angeles', weekly: false } as const;
const at = (iso: string) => new Date(iso);
const hours = (d: { sinceMs: number; untilMs: number }) => (d.untilMs - d.sinceMs) / 3_600_000;

describe('startOfDay and wallClock', () => {
  it('finds local midnight on either side of a DST change', () => {
    expect(new Date(startOfDay('2026-11-01', 'America/Los_Angeles')).toISOString()).toBe('2026-11-01T07:00:00.000Z'); // PDT, UTC-7
    expect(new Date(startOfDay('2026-11-02', 'America/Los_Angeles')).toISOString()).toBe('2026-11-02T08:00:00.000Z'); // PST, UTC-8
    expect(new Date(startOfDay('2026-03-29', 'Europe/London')).toISOString()).toBe('2026-03-29T00:00:00.000Z'); // GMT
    expect(new Date(startOfDay('2026-03-30', 'Europe/London')).toISOString()).toBe('2026-03-29T23:00:00.000Z'); // BST
    expect(new Date(startOfDay('2026-12-01', 'Asia/Tokyo')).toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });

  it('reads the date, hour and weekday (Monday = 0) in the zone', () => {
    expect(wallClock(Date.parse('2026-11-02T16:59:00Z'), 'America/Los_Angeles')).toEqual({ date: '2026-11-02', hour: 8, minute: 59, weekday: 0 });
    expect(wallClock(Date.parse('2026-11-02T03:00:00Z'), 'America/Los_Angeles')).toEqual({ date: '2026-11-01', hour: 19, minute: 0, weekday: 6 });
  });
});

describe('dueDigests', () => {
  it('is quiet before the hour in the campaign zone, and due from the hour until local midnight', () => {
    expect(dueDigests(['show'], LA, at('2026-11-02T16:59:59Z'))).toEqual([]); // 08:59 PST
    expect(dueDigests(['show'], LA, at('2026-11-02T17:00:00Z')).map((d) => d.id)).toEqual(['show#daily-digest#2026-11-01']); // 09:00 PST
    expect(dueDigests(['show'], LA, at('2026-11-03T07:59:00Z')).map((d) => d.id)).toEqual(['show#daily-digest#2026-11-01']); // 23:59 PST
    // Past local midnight it is the next day, before its hour: nothing (a missed day is not sent late).
    expect(dueDigests(['show'], LA, at('2026-11-03T08:00:00Z'))).toEqual([]);
  });

  it('counts the 25 hours of the day DST ends, and compares with the 7 days before', () => {
    const [digest] = dueDigests(['show'], LA, at('2026-11-02T17:00:00Z'));
    expect(digest).toMatchObject({ firstDay: '2026-11-01', lastDay: '2026-11-01', period: 'daily', timeZone: 'America/Los_Angeles' });
    expect(new Date(digest!.sinceMs).toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(new Date(digest!.untilMs).toISOString()).toBe('2026-11-02T08:00:00.000Z');
    expect(hours(digest!)).toBe(25);
    // 2026-10-25 00:00 PDT.
    expect(new Date(digest!.usualSinceMs).toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('sends at 09:00 local on the day after DST starts (16:00 UTC, not 17:00) and counts its 23 hours', () => {
    expect(dueDigests(['show'], LA, at('2026-03-09T15:59:00Z'))).toEqual([]);
    const [digest] = dueDigests(['show'], LA, at('2026-03-09T16:00:00Z'));
    expect(digest!.id).toBe('show#daily-digest#2026-03-08');
    expect(new Date(digest!.sinceMs).toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(hours(digest!)).toBe(23);
  });

  it('adds the weekly digest of the 7 days before on its weekday, per topic', () => {
    const due = dueDigests(['show', 'spinoff'], { ...LA, weekly: 'monday' }, at('2026-11-30T17:30:00Z'));
    expect(due.map((d) => d.id)).toEqual(['show#daily-digest#2026-11-29', 'show#weekly-digest#2026-11-23', 'spinoff#daily-digest#2026-11-29', 'spinoff#weekly-digest#2026-11-23']);
    const weekly = due[1]!;
    expect([weekly.firstDay, weekly.lastDay]).toEqual(['2026-11-23', '2026-11-29']);
    expect(hours(weekly)).toBe(7 * 24);
    // The 4 weeks before: from 2026-10-26 00:00 PDT, the week DST ended in included.
    expect(new Date(weekly.usualSinceMs).toISOString()).toBe('2026-10-26T07:00:00.000Z');
    // Not on a Tuesday.
    expect(dueDigests(['show'], { ...LA, weekly: 'monday' }, at('2026-12-01T17:30:00Z')).map((d) => d.period)).toEqual(['daily']);
  });
});
