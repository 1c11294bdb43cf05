// A campaign's time zone in the config (`alerts.timeZone`, `digest.timeZone`): one rule for both,
// since the digest's zone defaults to the alerts' and EventBridge Scheduler must accept it too.

import { z } from 'zod';

const EXAMPLES = 'use an IANA time zone name such as "Europe/Berlin", "America/Los_Angeles" or "UTC"';

/**
 * True for an IANA time zone name the runtime knows ("Europe/Berlin", "UTC"). Abbreviations and
 * offsets are refused even where Intl takes them ("PST", "+02:00"): they are ambiguous or ignore
 * daylight saving, and EventBridge Scheduler wants the tz database's Area/Location names.
 */
export function isTimeZone(zone: string): boolean {
  if (zone !== 'UTC' && !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The config error names the field (its path); the message says what to write instead. */
export const timeZoneSchema = z
  .string({ error: `must be a time zone name: ${EXAMPLES}` })
  .refine(isTimeZone, { error: (issue) => `unknown time zone "${String(issue.input)}": ${EXAMPLES}` });
