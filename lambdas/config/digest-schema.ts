// The `digest` section of the config: a daily summary per topic at a set hour of the campaign's day
// (and optionally a weekly one). Absent: no digest. Which channels get it is routing (notify-schema.ts).

import { z } from 'zod';
import { timeZoneSchema } from './time-zone.ts';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const digestSchema = z.strictObject({
  /** The hour of the campaign's day (0-23, in `timeZone`) the digest of the day before goes out. */
  hour: z
    .number({ error: 'digest.hour must be an hour of the day, 0-23 (e.g. 9 for 09:00)' })
    .int({ error: 'digest.hour must be a whole hour, 0-23' })
    .min(0, { error: 'digest.hour must be 0-23' })
    .max(23, { error: 'digest.hour must be 0-23' })
    .default(9),
  /** The campaign's time zone for the digest's day and hour. @default alerts.timeZone, else "UTC" */
  timeZone: timeZoneSchema.optional(),
  /** Also a digest of the last 7 days on this day at `hour`; false for none. */
  weekly: z
    .union([z.enum(WEEKDAYS), z.literal(false)], { error: `digest.weekly must be a day of the week (${WEEKDAYS.map((d) => `"${d}"`).join(', ')}) or false` })
    .default(false),
});

export type DigestSettings = z.output<typeof digestSchema>;

/** What the digest runs on: its hour, weekday, and the zone resolved (digest's own, else the alerts' one, else UTC). */
export interface DigestSchedule {
  hour: number;
  timeZone: string;
  weekly: Weekday | false;
}

export function digestSchedule(config: { digest?: DigestSettings | undefined; alerts: object }): DigestSchedule | null {
  if (!config.digest) return null;
  // alerts.timeZone comes with the alert message's time zone; read defensively, it may not be there.
  const alertsZone = (config.alerts as { timeZone?: unknown }).timeZone;
  const timeZone = config.digest.timeZone ?? (typeof alertsZone === 'string' ? alertsZone : 'UTC');
  return { hour: config.digest.hour, timeZone, weekly: config.digest.weekly };
}
