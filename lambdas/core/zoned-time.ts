// Wall-clock dates and hours in an IANA time zone, from Intl (the runtime's time zone data), so a
// campaign's day starts at its own midnight and a 09:00 digest stays at 09:00 across DST changes.

import { DAY_MS } from './time.ts';

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
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, format);
  }
  return format;
}

function fields(ms: number, timeZone: string) {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

export function wallClock(ms: number, timeZone: string): WallClock {
  const f = fields(ms, timeZone);
  const date = `${String(f.year).padStart(4, '0')}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`;
  const weekday = (new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay() + 6) % 7;
  return { date, hour: f.hour, minute: f.minute, weekday };
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
