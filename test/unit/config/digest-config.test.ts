// The `digest` section and the `email` channel: what a user writes, and the message a mistake gets.

import { describe, expect, it } from 'vitest';
import { digestSchedule } from '../../../lambdas/config/digest-schema.ts';
import { parseConfig } from '../../../lambdas/config/load.ts';
import { sinkChannel, routes, routesDigest } from '../../../lambdas/core/deliver.ts';
import { sampleAlert } from '../../helpers/alerts.ts';

const base = {
  topics: [{ id: 'bosch-legacy', keywords: ['bosch legacy'] }, { id: 'ballard', keywords: ['ballard'] }],
  sources: [{ id: 'f', type: 'rss', url: 'https://example.org/feed', topics: ['bosch-legacy'] }],
};
const parse = (extra: object) => parseConfig({ ...base, ...extra }, 'test');
const problem = (extra: object) => {
  try {
    parse(extra);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('digest config', () => {
  it('is off without a digest section, and 09:00 UTC, no weekly, with an empty one', () => {
    expect(digestSchedule(parse({}))).toBeNull();
    expect(digestSchedule(parse({ digest: {} }))).toEqual({ hour: 9, timeZone: 'UTC', weekly: false });
  });

  it("takes its own zone first, else the alerts' zone when that setting exists", () => {
    expect(digestSchedule(parse({ digest: { hour: 7, timeZone: 'Europe/London', weekly: 'friday' } }))).toEqual({ hour: 7, timeZone: 'Europe/London', weekly: 'friday' });
    expect(digestSchedule({ digest: { hour: 7, weekly: false }, alerts: { timeZone: 'America/New_York' } })).toEqual({ hour: 7, timeZone: 'America/New_York', weekly: false });
  });

  it('names the field and the fix for a bad hour, zone or weekday', () => {
    expect(problem({ digest: { hour: 24 } })).toContain('digest.hour: digest.hour must be 0-23');
    expect(problem({ digest: { timeZone: 'PST' } })).toContain('digest.timeZone: unknown time zone "PST": use an IANA time zone name');
    expect(problem({ digest: { timeZone: 'Mars/Olympus_Mons' } })).toContain('unknown time zone "Mars/Olympus_Mons"');
    expect(problem({ digest: { weekly: 'mon' } })).toContain('digest.weekly must be a day of the week ("monday"');
  });

  it('refuses a channel asking for "digest" when no digest section says when', () => {
    expect(problem({ notify: [{ type: 'discord', secretEnv: 'DISCORD_URL', kinds: ['digest'] }] })).toContain(
      'notify[0].kinds: asks for "digest" but the config has no "digest" section: add one',
    );
  });
});

describe('the email channel', () => {
  it('takes only topics and kinds: its addresses are SNS subscriptions, not config', () => {
    expect(problem({ notify: [{ type: 'email', secretEnv: 'X_Y' }] })).toContain('notify[0]');
    expect(problem({ notify: [{ type: 'email', to: 'ops@example.com' }] })).toMatch(/notify\[0\].*to/);
    expect(problem({ notify: [{ type: 'email' }, { type: 'email', topics: ['ballard'] }] })).toContain('notify[1].type: only one "email" channel');
    expect(problem({ notify: [{ type: 'sms' }] })).toContain('type must be one of: "discord", "slack", "telegram", "webhook", "email"');
  });

  it('narrows what the sink gets; without it the sink gets every alert and the digest', () => {
    const sink = { send: async () => {}, sendDigest: async () => {} };
    const everything = sinkChannel(sink);
    expect([routes(everything, sampleAlert()), routesDigest(everything, { topic: 'ballard' })]).toEqual([true, true]);
    const [email] = parse({ digest: {}, notify: [{ type: 'email', topics: ['ballard'], kinds: ['digest'] }] }).notify;
    const narrowed = sinkChannel(sink, email as Extract<typeof email, { type: 'email' }>);
    expect([routes(narrowed, sampleAlert({ topic: 'ballard' })), routesDigest(narrowed, { topic: 'ballard' }), routesDigest(narrowed, { topic: 'bosch-legacy' })]).toEqual([false, true, false]);
  });
});
