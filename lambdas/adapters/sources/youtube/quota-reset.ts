// When a YouTube Data API project's daily quota comes back: "Daily quotas reset at midnight Pacific
// Time" (developers.google.com/youtube/v3/determine_quota_cost). Pacific Time keeps daylight saving
// time, so the reset is 08:00 UTC in winter and 07:00 UTC in summer; the zone's rules come from Intl.

const PACIFIC = 'America/Los_Angeles';

const wallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: PACIFIC,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The Pacific wall-clock time at `ms`, written as if it were UTC (epoch ms). */
function pacificAsUtc(ms: number): number {
  const part = Object.fromEntries(wallClock.formatToParts(ms).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(part['year']!, part['month']! - 1, part['day']!, part['hour']!, part['minute']!, part['second']!);
}

/** The first Pacific midnight after `now`: when a quota used up at `now` is whole again. */
export function nextPacificMidnight(now: Date): Date {
  const local = new Date(pacificAsUtc(now.getTime()));
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  // Midnight's UTC instant is the wall time less the zone's offset then; the offset is read twice
  // because `now` may lie on the other side of a daylight-saving change (which happens at 02:00,
  // so midnight itself always exists exactly once).
  let instant = midnight - (pacificAsUtc(midnight) - midnight);
  instant = midnight - (pacificAsUtc(instant) - instant);
  return new Date(instant);
}
