// Instants as a campaign reads them: the weekday, date and clock time in its time zone (an IANA
// name, validated by the config), and the part of the day. English, whatever the machine's locale.

export interface ZonedTime {
  /** "Tuesday" */
  weekday: string;
  /** "2025-03-27" */
  date: string;
  /** "19:00" */
  time: string;
  hour: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let formatter = formats.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, formatter);
  }
  return formatter;
}

export function zonedTime(ms: number, timeZone: string): ZonedTime {
  const parts = Object.fromEntries(format(timeZone).formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  return { weekday: parts.weekday!, date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`, hour: Number(parts.hour) };
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
