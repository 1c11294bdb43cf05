// The `alerts` section of the config: the spike detector's parameters (lambdas/core/detect.ts).
// The defaults are the product's: tested on petition-sized counts (0-30 an hour) in the unit tests
// and on tweet-volume counts (hundreds an hour, NAB realTweets) in bench/detect.ts, untuned per series.

import { z } from 'zod';

const wholeHours = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number of hours` })
    .int({ error: `${what} must be a whole number of hours` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

/**
 * An IANA time zone name ("Europe/Berlin", "America/New_York", "UTC"), checked against the zones
 * this Node.js knows. Kept as written: ICU's canonical names are sometimes the older ones
 * ("Asia/Calcutta" for "Asia/Kolkata"). Offsets such as "+02:00" are refused: they ignore daylight saving.
 */
const timeZone = z
  .string({ error: 'timeZone must be an IANA time zone name such as "Europe/Berlin" or "America/New_York"' })
  .refine(isTimeZone, {
    error: (issue) =>
      `timeZone must be an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC" (a "TZ identifier" of the tz database), not "${String(issue.input)}"`,
  });

function isTimeZone(name: string): boolean {
  // Area/Location names, "UTC" and the legacy zones the tz database still lists (e.g. "EST5EDT").
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const alertsSchema = z
  .strictObject({
    /**
     * The campaign's time zone: alerts give their times in it (and in UTC) and say "Tuesday evening"
     * by its clock.
     */
    timeZone: timeZone.default('UTC'),
    /**
     * Length of the recent window tested at each pass, ending now. Counts are hourly buckets, so the
     * window holds every bucket that overlaps the last `windowHours` hours, the current partial hour
     * included (its expected count is pro-rated by the part of the hour that has passed).
     */
    windowHours: wholeHours('windowHours', 1, 24).default(1),
    /**
     * A second, longer window tested at the same time, so a slow ramp that never makes one hour
     * stand out still alerts. 0 turns it off; otherwise it must be longer than windowHours.
     */
    rampWindowHours: wholeHours('rampWindowHours', 0, 12).default(6),
    /**
     * Alert when the chance of a count at least this high, under the negative-binomial baseline,
     * is at most this. Smaller = fewer, surer alerts.
     */
    maxPValue: z
      .number({ error: 'maxPValue must be a number' })
      .gt(0, { error: 'maxPValue must be above 0 (e.g. 0.0001)' })
      .max(0.05, { error: 'maxPValue must be at most 0.05; larger values alert on ordinary noise' })
      .default(1e-4),
    /** Fewest mentions in the window that can alert, however quiet the baseline (a stray mention is not a spike). */
    minCount: z
      .number({ error: 'minCount must be a number' })
      .int({ error: 'minCount must be a whole number' })
      .min(1, { error: 'minCount must be at least 1' })
      .default(6),
    /**
     * After an alert for a topic, no new alert for it until this many hours have passed: a wave of
     * petition chatter is one e-mail, not one per pass while it lasts. A day: waves of tweets last
     * into the next day (on NAB realTweets 24 h against 12 h drops one false alert, no detection).
     */
    cooldownHours: z
      .number({ error: 'cooldownHours must be a number of hours' })
      .min(0, { error: 'cooldownHours must be 0 or more' })
      .max(24 * 30, { error: 'cooldownHours must be at most 720 (30 days)' })
      .default(24),
    /** Days of history whose same hour of day forms the seasonal baseline (the daily cycle). */
    seasonDays: z
      .number({ error: 'seasonDays must be a number of days' })
      .int({ error: 'seasonDays must be a whole number of days' })
      .min(1, { error: 'seasonDays must be at least 1' })
      .max(28, { error: 'seasonDays must be at most 28' })
      .default(7),
    /**
     * History needed before the seasonal baseline is trusted. With less (a new campaign), a
     * conservative fallback still alerts on unmistakable spikes: flat baseline, heavy-tailed
     * dispersion and shortHistoryMinCount.
     */
    minHistoryHours: wholeHours('minHistoryHours', 24, 24 * 28).default(72),
    /** Fewest mentions in the window that can alert while history is shorter than minHistoryHours. */
    shortHistoryMinCount: z
      .number({ error: 'shortHistoryMinCount must be a number' })
      .int({ error: 'shortHistoryMinCount must be a whole number' })
      .min(1, { error: 'shortHistoryMinCount must be at least 1' })
      .default(20),
  })
  .refine((a) => a.rampWindowHours === 0 || a.rampWindowHours > a.windowHours, {
    path: ['rampWindowHours'],
    error: 'rampWindowHours must be 0 (off) or longer than windowHours',
  });

export type AlertSettings = z.output<typeof alertsSchema>;

/** The product defaults, as `alerts: {}` in a config gives them. */
export const defaultAlertSettings: Readonly<AlertSettings> = Object.freeze(alertsSchema.parse({}));
