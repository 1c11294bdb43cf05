// Feed dates → ISO-8601 UTC. Feeds use RFC 822/2822 (RSS) and W3C-DTF/RFC 3339 (Atom, RSS 1.0 dc:date,
// JSON Feed), with many liberties. `Date.parse` is not used: it reads zone-less strings in the host's
// local time and accepts different things on different engines; these parsers are explicit and pure.

/** Parses any feed date; null when missing or unparseable (the pipeline then uses first-seen time). */
export function parseFeedDate(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  return parseW3cDtf(value) ?? parseRfc822(value);
}

const W3C_DTF =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?$/;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})(?:[Tt](\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * W3C-DTF (ISO 8601 profile): YYYY, YYYY-MM, YYYY-MM-DD, and date-times with optional seconds,
 * fraction and zone (Z, ±hh:mm, ±hhmm, ±hh). Also the space separator and the basic form
 * (20031231T101455Z) that feeds use. No zone means UTC.
 */
export function parseW3cDtf(raw: string): string | null {
  const value = raw.trim();
  const match = W3C_DTF.exec(value) ?? ISO_BASIC.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  // A zone only makes sense with a time of day ("2003-12-31Z" is not a thing feeds write).
  if (zone && hour === undefined) return null;
  const offset = zone ? zoneOffsetMinutes(zone) : 0;
  if (offset === null) return null;
  return build({
    year: Number(year),
    month: month ? Number(month) : 1,
    day: day ? Number(day) : 1,
    hour: hour ? Number(hour) : 0,
    minute: minute ? Number(minute) : 0,
    second: second ? Number(second) : 0,
    millisecond: fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0,
    offsetMinutes: offset,
  });
}

/**
 * A time a user typed (flags, query parameters): a whole date, then an optional time and zone.
 * No zone means UTC, whatever the machine's zone, since every output is UTC; a date that is not on
 * the calendar (2025-06-31) is null, never rolled over into the next month.
 */
export function parseGivenTime(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}(?:$|[Tt ])/.test(value.trim())) return null;
  const parsed = parseW3cDtf(value);
  return parsed === null ? null : Date.parse(parsed);
}

/** Why parseGivenTime refused a value that looks like a date: it names no day on the calendar. */
export const looksLikeDate = (value: string) => /^\d{4}-\d{2}-\d{2}/.test(value.trim());

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Offsets in minutes east of UTC for the zone names feeds actually use (RFC 822's and common ones). */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  // US zones written without standard/daylight (used by some feeds): standard time.
  at: -240, et: -300, ct: -360, mt: -420, pt: -480,
  ast: -240, adt: -180, akst: -540, akdt: -480, hst: -600, nst: -210, ndt: -150,
  bst: 60, ist: 60, west: 60, cet: 60, met: 60, mez: 60, cest: 120, mest: 120, mesz: 120,
  eet: 120, eest: 180, msk: 180, jst: 540, kst: 540, hkt: 480, sgt: 480, awst: 480,
  acst: 570, acdt: 630, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
};

/**
 * RFC 822 / RFC 2822 dates as feeds write them: optional weekday, day and month in either order,
 * 2- or 4-digit years (RFC 2822 §4.3: 00-49 → 20xx, 50-99 → 19xx), optional seconds or whole time,
 * named zones (EST, PDT, GMT, UT...) or numeric offsets (+0200, -01:01, GMT+1), stray commas.
 * Also asctime ("Sun Jan  4 16:29:06 2004"), which some feeds emit. No zone means UTC.
 */
export function parseRfc822(raw: string): string | null {
  return parseCommonRfc822(raw) ?? parseRfc822Tokens(raw);
}

/** Month abbreviations as RSS writes them, to their index: no lower-casing, which is slow on feed text. */
const COMMON_MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const COMMON_RFC822 = /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d\d?) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) (GMT|[+-]\d{4})$/;

/**
 * The shape nearly every RSS date has ("Fri, 20 Nov 2026 12:00:00 GMT") in one regex; null for
 * anything else, which parseRfc822Tokens reads. Splitting, lower-casing and matching each token
 * cost more than the rest of normalising a post; the answer is the same (the test holds them to it).
 */
function parseCommonRfc822(raw: string): string | null {
  const match = COMMON_RFC822.exec(raw);
  if (!match) return null;
  const [, day, month, year, hour, minute, second, zone] = match as unknown as [string, string, string, string, string, string, string, string];
  const offset = zone === 'GMT' ? 0 : zoneOffsetMinutes(zone);
  if (offset === null) return null;
  return build({
    year: Number(year),
    month: COMMON_MONTHS[month]! + 1,
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millisecond: 0,
    offsetMinutes: offset,
  });
}

/** parseRfc822 for any shape: by tokens. Exported as the reference its fast road is tested against. */
export function parseRfc822Tokens(raw: string): string | null {
  const tokens = raw.replace(/,/g, ' ').trim().split(/\s+/).filter(Boolean);
  while (tokens.length && isDayName(tokens[0]!)) tokens.shift();

  let month: number | null = null;
  let time: { hour: number; minute: number; second: number } | null = null;
  const numbers: string[] = [];
  const zoneParts: string[] = [];
  for (const token of tokens) {
    if (/^\d/.test(token) && token.includes(':')) {
      if (time) return null;
      time = parseClock(token);
      if (!time) return null;
    } else if (/^\d+$/.test(token)) {
      numbers.push(token);
    } else if (month === null && /^[A-Za-z]+\.?$/.test(token) && monthIndex(token) !== null) {
      month = monthIndex(token);
    } else if (time) {
      zoneParts.push(token);
    } else {
      return null;
    }
  }
  if (month === null || numbers.length !== 2) return null;
  const [dayText, yearText] = numbers as [string, string];
  if (dayText.length > 2) return null;

  let year = Number(yearText);
  if (yearText.length === 2) year += year < 50 ? 2000 : 1900;
  else if (yearText.length === 3) year += 1900;
  else if (yearText.length !== 4) return null;

  const offset = zoneParts.length ? zoneOffsetMinutes(zoneParts.join('')) : 0;
  if (offset === null) return null;

  return build({
    year,
    month: month + 1,
    day: Number(dayText),
    hour: time?.hour ?? 0,
    minute: time?.minute ?? 0,
    second: time?.second ?? 0,
    millisecond: 0,
    offsetMinutes: offset,
  });
}

function isDayName(token: string): boolean {
  const t = token.toLowerCase().replace(/\.$/, '');
  return t.length >= 3 && DAY_NAMES.some((day) => day.startsWith(t));
}

function monthIndex(token: string): number | null {
  const t = token.toLowerCase().replace(/\.$/, '');
  if (t.length < 3) return null;
  const index = MONTH_NAMES.findIndex((name) => name.startsWith(t));
  return index === -1 ? (MONTHS.indexOf(t) === -1 ? null : MONTHS.indexOf(t)) : index;
}

function parseClock(token: string): { hour: number; minute: number; second: number } | null {
  const parts = token.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts.every((part) => /^\d{1,2}$/.test(part))) return null;
  const [hour, minute, second] = parts.map(Number) as [number, number, number | undefined];
  return { hour, minute, second: second ?? 0 };
}

/**
 * "Z", "+0200", "-01:01", "+05", "GMT", "GMT-01:01", "Etc/GMT", "EST" → minutes east of UTC.
 * Unknown alphabetic names count as UTC (a few hours off beats losing the date; RFC 2822 §4.3 also
 * reads the obsolete military letters as UTC); anything else that is not an offset is invalid.
 */
function zoneOffsetMinutes(zone: string): number | null {
  let rest = zone.trim();
  if (rest.toLowerCase().startsWith('etc/')) rest = rest.slice(4);
  let base = 0;
  const name = /^[A-Za-z]+/.exec(rest)?.[0];
  if (name) {
    base = ZONES[name.toLowerCase()] ?? 0;
    rest = rest.slice(name.length);
    if (!rest) return base;
  }
  const offset = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(rest);
  if (!offset) return null;
  const [, sign, hours, minutes] = offset;
  const h = Number(hours);
  const m = minutes ? Number(minutes) : 0;
  if (h > 23 || m > 59) return null;
  return base + (sign === '-' ? -1 : 1) * (h * 60 + m);
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes: number;
}

function build(p: Parts): string | null {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysInMonth(p.year, p.month)) return null;
  // Second 60 is a leap second; it rolls into the next minute like the rest of the arithmetic below.
  if (p.hour > 23 || p.minute > 59 || p.second > 60) return null;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as written instead of mapping them to 19xx.
  date.setUTCFullYear(p.year, p.month - 1, p.day);
  date.setUTCHours(p.hour, p.minute - p.offsetMinutes, p.second, p.millisecond);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}
