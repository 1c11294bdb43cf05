// A `timestamp,count` CSV (what `fanpulse detect --series` reads) turned into hourly counts.

import { UsageError } from './errors.ts';
import { hourStart } from './time.ts';

/** Mentions in one UTC clock hour. A series lists only some hours: a missing hour means 0. */
export interface HourlyCount {
  /** Epoch ms of the start of the UTC hour. */
  hourStart: number;
  count: number;
}

/** A row of a series file that cannot be read; `line` is 1-based, as an editor shows it. */
export class SeriesFormatError extends UsageError {
  override name = 'SeriesFormatError';
  constructor(
    readonly line: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`line ${line}: ${message}`, options);
  }
}

// ISO-8601 with "T", or the "YYYY-MM-DD HH:MM:SS" that spreadsheets and NAB write; no zone = UTC.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch ms of a series timestamp, or null when it is not one. */
export function parseSeriesTimestamp(text: string): number | null {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  // Date.UTC rolls 2015-02-30 over into March; a date that does not round-trip is not a date.
  if (new Date(ms).getUTCDate() !== day) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    ms -= sign * offsetMinutes * 60_000;
  }
  return ms;
}

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed;
}

/**
 * Parses `timestamp,count` CSV text into hourly counts, oldest first. The header line is optional;
 * blank lines are skipped; rows within one clock hour (5-minute samples, duplicates) are summed.
 * Hours with no row are left out (they mean 0). Throws SeriesFormatError naming the first bad line.
 */
export function parseSeriesCsv(text: string): HourlyCount[] {
  const hours = new Map<number, number>();
  let seenRow = false;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (!raw.trim()) return;
    const fields = raw.split(',');
    const first = !seenRow;
    seenRow = true;
    if (fields.length !== 2) {
      throw new SeriesFormatError(lineNo, `expected 2 comma-separated fields "timestamp,count", got ${fields.length}: "${raw.trim()}"`);
    }
    const [tsText, countText] = fields.map(unquote) as [string, string];
    const ts = parseSeriesTimestamp(tsText);
    // Only the first row may be a header, and only if it is not data.
    if (ts === null && first && !/^[+-]?\d/.test(tsText)) return;
    if (ts === null) {
      throw new SeriesFormatError(lineNo, `"${tsText}" is not a timestamp; use ISO-8601 (2025-03-27T14:00:00Z) or "YYYY-MM-DD HH:MM:SS" (UTC)`);
    }
    if (!/^\d+$/.test(countText)) {
      throw new SeriesFormatError(lineNo, `count "${countText}" must be a whole number >= 0`);
    }
    const count = Number(countText);
    if (!Number.isSafeInteger(count)) throw new SeriesFormatError(lineNo, `count "${countText}" is too large`);
    const hour = hourStart(ts);
    hours.set(hour, (hours.get(hour) ?? 0) + count);
  });
  return [...hours.entries()].sort(([a], [b]) => a - b).map(([hourStart, count]) => ({ hourStart, count }));
}
