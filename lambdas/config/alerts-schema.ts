// The `alerts` section of the config: one block of settings per kind of alert. Its top level holds
// the petition spike's detector parameters (lambdas/core/detect.ts), as it always has;
// `volumeSpike` runs the same detector over all of a topic's posts, `negativitySurge` tests the
// share of negative posts (lambdas/core/alert-kinds/). The defaults are the product's: the petition
// detector's are tested on petition-sized counts (0-30 an hour) in the unit tests and on
// tweet-volume counts (hundreds an hour, NAB realTweets) in bench/detect.ts, untuned per series.

import { z } from 'zod';
import { timeZoneSchema } from './time-zone.ts';

const whole = (unit: 'hours' | 'days') => (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number of ${unit}` })
    .int({ error: `${what} must be a whole number of ${unit}` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });
const wholeHours = whole('hours');
const wholeDays = whole('days');

const wholeCount = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(1, { error: `${what} must be at least 1` });

const maxPValue = (value: number) =>
  z
    .number({ error: 'maxPValue must be a number' })
    .gt(0, { error: 'maxPValue must be above 0 (e.g. 0.0001)' })
    .max(0.05, { error: 'maxPValue must be at most 0.05; larger values alert on ordinary noise' })
    .default(value);

const cooldownHours = (hours: number) =>
  z
    .number({ error: 'cooldownHours must be a number of hours' })
    .min(0, { error: 'cooldownHours must be 0 or more' })
    .max(24 * 30, { error: 'cooldownHours must be at most 720 (30 days)' })
    .default(hours);

const enabled = () => z.boolean({ error: 'enabled must be true or false (false turns this kind of alert off)' }).default(true);

/** The count detector's parameters, with the defaults of the count it watches. */
const detectorFields = (defaults: { maxPValue: number; minCount: number; shortHistoryMinCount: number }) => ({
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
  maxPValue: maxPValue(defaults.maxPValue),
  /** Fewest counted posts in the window that can alert, however quiet the baseline (a stray post is not a spike). */
  minCount: wholeCount('minCount').default(defaults.minCount),
  /**
   * After an alert of this kind for a topic, no new one for it until this many hours have passed:
   * a wave is one message, not one per pass while it lasts. A day: waves of tweets last into the
   * next day (on NAB realTweets 24 h against 12 h drops one false alert, no detection).
   */
  cooldownHours: cooldownHours(24),
  /** Days of history whose same hour of day forms the seasonal baseline (the daily cycle). */
  seasonDays: wholeDays('seasonDays', 1, 28).default(7),
  /**
   * History needed before the seasonal baseline is trusted. With less (a new campaign), a
   * conservative fallback still alerts on unmistakable spikes: flat baseline, heavy-tailed
   * dispersion and shortHistoryMinCount.
   */
  minHistoryHours: wholeHours('minHistoryHours', 24, 24 * 28).default(72),
  /** Fewest counted posts in the window that can alert while history is shorter than minHistoryHours. */
  shortHistoryMinCount: wholeCount('shortHistoryMinCount').default(defaults.shortHistoryMinCount),
});

const rampLongerThanWindow: [(a: { rampWindowHours: number; windowHours: number }) => boolean, { path: string[]; error: string }] = [
  (a) => a.rampWindowHours === 0 || a.rampWindowHours > a.windowHours,
  { path: ['rampWindowHours'], error: 'rampWindowHours must be 0 (off) or longer than windowHours' },
];

/** The petition detector alone: what detect.ts reads. */
const petitionDetectorFields = detectorFields({ maxPValue: 1e-4, minCount: 6, shortHistoryMinCount: 20 });
const petitionDetectorSchema = z.strictObject(petitionDetectorFields);

/**
 * A spike in all of a topic's posts. Stricter than the petition spike (p ≤ 1e-5, at least 20 posts):
 * every post counts here, so a busier hour than usual is ordinary chatter, not news. On seeded
 * months at 3, 30 and 200 posts an hour this cut the false alerts from 10 to 2 in 60 months.
 */
export const volumeSpikeSchema = z
  .strictObject({
    enabled: enabled(),
    ...detectorFields({ maxPValue: 1e-5, minCount: 20, shortHistoryMinCount: 50 }),
  })
  .refine(...rampLongerThanWindow);

/** The share of negative posts far above the topic's own usual share (lambdas/core/alert-kinds/negativity-surge.ts). */
export const negativitySurgeSchema = z.strictObject({
  enabled: enabled(),
  /** Hours of posts whose negative share is tested at each pass (every bucket overlapping them, the current hour included). */
  windowHours: wholeHours('windowHours', 1, 24).default(3),
  /** Days before the window whose posts set the usual negative share and how much it varies. */
  historyDays: wholeDays('historyDays', 1, 28).default(14),
  /** The floor: fewest posts in the window before its share means anything (3 of 4 negative is not a surge). */
  minPosts: wholeCount('minPosts').default(10),
  /**
   * The share must also rise by at least this much above the usual one (0.15 = 15 percentage
   * points): at hundreds of posts an hour a small, real shift is significant but not news.
   */
  minShareRise: z
    .number({ error: 'minShareRise must be a number' })
    .min(0, { error: 'minShareRise must be between 0 and 1 (0.15 = 15 percentage points)' })
    .max(1, { error: 'minShareRise must be between 0 and 1 (0.15 = 15 percentage points)' })
    .default(0.15),
  /**
   * Alert when the chance of a share this high, under the beta-binomial baseline, is at most this.
   * Stricter than the spikes' 1e-4: near the floor a share moves in big steps (8 of 10), and a
   * topic is tested every hour.
   */
  maxPValue: maxPValue(1e-5),
  cooldownHours: cooldownHours(12),
});

export const alertsSchema = z
  .strictObject({
    /**
     * The campaign's time zone: alerts and digests give their times in it (and in UTC) and say
     * "Tuesday evening" by its clock.
     */
    timeZone: timeZoneSchema.default('UTC'),
    ...petitionDetectorFields,
    volumeSpike: volumeSpikeSchema.prefault({}),
    negativitySurge: negativitySurgeSchema.prefault({}),
  })
  .refine(...rampLongerThanWindow);

/** The count detector's parameters (the petition spike's, or volumeSpike's): what detect.ts reads. */
export type AlertSettings = z.output<typeof petitionDetectorSchema>;
/** The whole `alerts` section: every kind's settings. */
export type AlertsConfig = z.output<typeof alertsSchema>;
export type VolumeSpikeSettings = z.output<typeof volumeSpikeSchema>;
export type NegativitySurgeSettings = z.output<typeof negativitySurgeSchema>;

/** The product defaults, as `alerts: {}` in a config gives them. */
export const defaultAlertSettings: Readonly<AlertsConfig> = Object.freeze(alertsSchema.parse({}));
