import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/config/load.ts';

const config = (alerts: unknown) =>
  parseConfig({ topics: [{ id: 't', keywords: ['x'] }], sources: [{ id: 'f', type: 'rss', url: 'https://e.org/f', topics: ['t'] }], alerts }, 'test');

describe('alerts.timeZone', () => {
  it('is UTC unless the config names a zone', () => {
    expect(config({}).alerts.timeZone).toBe('UTC');
    expect(config({ timeZone: 'America/New_York' }).alerts.timeZone).toBe('America/New_York');
  });

  it('refuses what is not an IANA zone name, naming the field and giving examples', () => {
    for (const wrong of ['Mars/Olympus_Mons', '+02:00', 'GMT+2 (Berlin)', '']) {
      expect(() => config({ timeZone: wrong })).toThrow(/alerts\.timeZone.*time zone name such as "Europe\/Berlin"/s);
    }
    expect(() => config({ timeZone: 2 })).toThrow(/alerts\.timeZone/);
  });
});
