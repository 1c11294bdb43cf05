import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/config/load.ts';

const base = {
  topics: [{ id: 'show', keywords: ['bosch legacy'] }],
  sources: [{ id: 'feed', type: 'rss', url: 'https://example.org/feed.xml', topics: ['show'] }],
};
const configWith = (extra: object) => parseConfig({ ...base, ...extra }, 'test.json');
const problems = (extra: object) => {
  try {
    configWith(extra);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('alerts config: one block per kind', () => {
  it('gives every kind its defaults when alerts is absent', () => {
    const { alerts } = configWith({});
    expect(alerts).toMatchObject({ windowHours: 1, minCount: 6, maxPValue: 1e-4, cooldownHours: 24 });
    expect(alerts.volumeSpike).toEqual({
      enabled: true,
      windowHours: 1,
      rampWindowHours: 6,
      maxPValue: 1e-5,
      minCount: 20,
      cooldownHours: 24,
      seasonDays: 7,
      minHistoryHours: 72,
      shortHistoryMinCount: 50,
    });
    expect(alerts.negativitySurge).toEqual({ enabled: true, windowHours: 3, historyDays: 14, minPosts: 10, minShareRise: 0.15, maxPValue: 1e-5, cooldownHours: 12 });
  });

  it('reads an older config whose alerts hold only the petition settings as before', () => {
    const { alerts } = configWith({ alerts: { windowHours: 2, rampWindowHours: 8, minCount: 4, cooldownHours: 6 } });
    expect(alerts).toMatchObject({ windowHours: 2, rampWindowHours: 8, minCount: 4, cooldownHours: 6 });
    // The other kinds keep their own defaults: the petition settings are not theirs.
    expect(alerts.volumeSpike).toMatchObject({ windowHours: 1, minCount: 20, cooldownHours: 24 });
  });

  it('turns a kind off and sets its own cooldown and floor', () => {
    const { alerts } = configWith({ alerts: { volumeSpike: { enabled: false }, negativitySurge: { minPosts: 25, cooldownHours: 48 } } });
    expect(alerts.volumeSpike.enabled).toBe(false);
    expect(alerts.negativitySurge).toMatchObject({ enabled: true, minPosts: 25, cooldownHours: 48 });
  });

  it('names the field and the fix for each mistake', () => {
    expect(problems({ alerts: { volumeSpike: { minCount: 0 } } })).toContain('alerts.volumeSpike.minCount: minCount must be at least 1');
    expect(problems({ alerts: { volumeSpike: { windowHours: 6, rampWindowHours: 3 } } })).toContain(
      'alerts.volumeSpike.rampWindowHours: rampWindowHours must be 0 (off) or longer than windowHours',
    );
    expect(problems({ alerts: { negativitySurge: { minShareRise: 15 } } })).toContain(
      'alerts.negativitySurge.minShareRise: minShareRise must be between 0 and 1 (0.15 = 15 percentage points)',
    );
    expect(problems({ alerts: { negativitySurge: { enabled: 'no' } } })).toContain('alerts.negativitySurge.enabled: enabled must be true or false');
    expect(problems({ alerts: { negativitySurge: { maxPValue: 0.5 } } })).toContain('alerts.negativitySurge.maxPValue: maxPValue must be at most 0.05');
    expect(problems({ alerts: { negativitySurge: { minPost: 5 } } })).toMatch(/alerts\.negativitySurge: .*minPost/);
  });
});

describe('notify kinds', () => {
  const channel = (kinds: unknown) => ({ notify: [{ type: 'discord', secretEnv: 'DISCORD_URL', kinds }] });

  it('routes a channel to the new kinds', () => {
    expect(configWith(channel(['volume-spike', 'negativity-surge'])).notify[0]!.kinds).toEqual(['volume-spike', 'negativity-surge']);
  });

  it('refuses an unknown kind, listing the ones there are', () => {
    expect(problems(channel(['negativity']))).toContain('notify[0].kinds[0]: each kind must be one of: "petition-spike", "volume-spike", "negativity-surge"');
  });
});
