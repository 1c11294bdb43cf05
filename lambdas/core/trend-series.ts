// The series `fanpulse detect --series` replays: what `fanpulse trends --format csv` writes (one row
// per topic and hour, every hour of the range, empty ones as zeros), or the older `timestamp,count`
// file (series.ts) for series from elsewhere.

import { parseSeriesCsv, SeriesFormatError, type HourlyCount } from './series.ts';
import { HOUR_MS } from './time.ts';

/** The counted columns of a trends CSV. */
export const TREND_COUNT_COLUMNS = ['posts', 'petitionMentions', 'positive', 'negative', 'neutral'] as const;
export type TrendCountColumn = (typeof TREND_COUNT_COLUMNS)[number];

/** One hour of one topic, as the trends CSV has it. */
export type TrendHour = { hourStart: number } & Record<TrendCountColumn, number>;

export type ReplaySeries =
  /** A trends CSV: each topic's hours, oldest first, one row per hour. */
  | { format: 'trends'; topics: Map<string, TrendHour[]> }
  /** A timestamp,count file: one count per hour (missing hours are 0). */
  | { format: 'counts'; hours: HourlyCount[] };

const REQUIRED = ['topic', 'bucketStart', ...TREND_COUNT_COLUMNS] as const;
const ISO_HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}:00:00(\.000)?Z$/;

const splitLine = (line: string) => line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));

/** Reads either format: a first line naming `bucketStart` is a trends CSV. */
export function parseReplaySeries(text: string): ReplaySeries {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const header = splitLine(lines[0] ?? '');
  if (!header.includes('bucketStart')) return { format: 'counts', hours: parseSeriesCsv(text) };
  return { format: 'trends', topics: parseTrendsCsv(lines, header) };
}

/**
 * Every row must be one UTC hour, one hour after the topic's previous row: a daily export, a
 * filtered file (empty hours dropped) or two files pasted together would replay as nonsense.
 */
function parseTrendsCsv(lines: string[], header: string[]): Map<string, TrendHour[]> {
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new SeriesFormatError(1, `a trends CSV needs the columns ${REQUIRED.join(', ')}; missing ${missing.join(', ')} (export it with fanpulse trends --bucket hour --format csv)`);
  }
  const at = (name: string) => header.indexOf(name);
  const topics = new Map<string, TrendHour[]>();
  const previousLine = new Map<string, number>();
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (!raw.trim()) return;
    const fields = splitLine(raw);
    if (fields.length !== header.length) throw new SeriesFormatError(line, `expected ${header.length} fields as in the header, got ${fields.length}`);
    const topic = fields[at('topic')]!;
    const bucketStart = fields[at('bucketStart')]!;
    const hourStart = Date.parse(bucketStart);
    if (!ISO_HOUR.test(bucketStart) || !Number.isFinite(hourStart)) {
      throw new SeriesFormatError(line, `bucketStart "${bucketStart}" is not the start of a UTC hour (like 2026-11-20T14:00:00.000Z); detect needs an hourly series: export with fanpulse trends --bucket hour --format csv`);
    }
    const hour = { hourStart } as TrendHour;
    for (const name of TREND_COUNT_COLUMNS) {
      const value = fields[at(name)]!;
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new SeriesFormatError(line, `${name} "${value}" must be a whole number >= 0`);
      hour[name] = Number(value);
    }
    if (hour.negative > hour.posts) throw new SeriesFormatError(line, `negative (${hour.negative}) cannot exceed posts (${hour.posts})`);
    const hours = topics.get(topic) ?? [];
    const before = hours.at(-1);
    if (before && hourStart - before.hourStart !== HOUR_MS) {
      const step = (hourStart - before.hourStart) / HOUR_MS;
      const why =
        step === 24 ? 'a daily series (--bucket day)' : step <= 0 ? 'rows out of order or repeated' : `a gap of ${step} hours (rows removed?)`;
      throw new SeriesFormatError(
        line,
        `${bucketStart} follows ${new Date(before.hourStart).toISOString()} (line ${previousLine.get(topic)}) for topic ${topic}: ${why}. ` +
          'detect needs every hour in order, as fanpulse trends --bucket hour --format csv writes it',
      );
    }
    hours.push(hour);
    topics.set(topic, hours);
    previousLine.set(topic, line);
  });
  if (topics.size === 0) throw new SeriesFormatError(1, 'the trends CSV has a header but no rows');
  return topics;
}
