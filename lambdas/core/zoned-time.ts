// Instants as a campaign reads them, in its IANA time zone (validated by the config), from Intl (the
// runtime's time zone data): the weekday, date and clock time, the part of the day, and where a
// campaign day starts, so a 09:00 digest stays at 09:00 across DST changes. English, whatever the
// machine's locale.

import { DAY_MS } from './time.ts';

export interface ZonedTime {
  /** "Tuesday" */
  weekday: string;
  /** "2025-03-27" */
  date: string;
  /** "19:00" */
  time: string;
  hour: number;
}

export interface WallClock {
  /** YYYY-MM-DD in the zone. */
  date: string;
  hour: number;
  minute: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'long', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, format);
  }
  return format;
}

function fields(ms: number, timeZone: string) {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { weekday: parts.weekday!, year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

const two = (n: number) => String(n).padStart(2, '0');
const dateOf = (f: ReturnType<typeof fields>) => `${String(f.year).padStart(4, '0')}-${two(f.month)}-${two(f.day)}`;

export function zonedTime(ms: number, timeZone: string): ZonedTime {
  const f = fields(ms, timeZone);
  return { weekday: f.weekday, date: dateOf(f), time: `${two(f.hour)}:${two(f.minute)}`, hour: f.hour };
}

export function wallClock(ms: number, timeZone: string): WallClock {
  const f = fields(ms, timeZone);
  const weekday = (new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay() + 6) % 7;
  return { date: dateOf(f), hour: f.hour, minute: f.minute, weekday };
}

/** Night before 5:00 and from 21:00, morning to noon, afternoon to 17:00, evening to 21:00. */
export function partOfDay(hour: number): 'night' | 'morning' | 'afternoon' | 'evening' {
  if (hour < 5 || hour >= 21) return 'night';
  if (hour < 12) return 'morning';
  if (hour < 17) return 'afternoon';
  return 'evening';
}

/** "Thu 2025-03-27 10:00-11:00", or both ends in full when the range crosses midnight there. */
export function formatRange(startMs: number, endMs: number, timeZone: string): string {
  const from = zonedTime(startMs, timeZone);
  const to = zonedTime(endMs, timeZone);
  const day = (t: ZonedTime) => `${t.weekday.slice(0, 3)} ${t.date}`;
  // A range ending at midnight ends "24:00" of its day rather than "00:00" of the next.
  const endsAtMidnight = to.time === '00:00' && endMs > startMs && zonedTime(endMs - 1, timeZone).date === from.date;
  if (from.date === to.date || endsAtMidnight) return `${day(from)} ${from.time}-${endsAtMidnight ? '24:00' : to.time}`;
  return `${day(from)} ${from.time} to ${day(to)} ${to.time}`;
}

/** "Thu 2025-03-27 10:00" */
export function formatInstant(ms: number, timeZone: string): string {
  const t = zonedTime(ms, timeZone);
  return `${t.weekday.slice(0, 3)} ${t.date} ${t.time}`;
}

/** How far the zone's clock is ahead of UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const f = fields(ms, timeZone);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(ms / 1000) * 1000;
}

/** A calendar date `days` later (or earlier). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The instant a campaign day starts (its local midnight) in UTC ms. The offset is read twice: the
 * guess made with one day's offset is checked against the offset at the guess (DST changes at night).
 */
export function startOfDay(date: string, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second === first ? first : Math.min(first, second);
}
