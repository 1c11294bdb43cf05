import { describe, expect, it } from 'vitest';
import { alertsSchema, defaultAlertSettings } from '../../../../lambdas/config/alerts-schema.ts';
import { petitionSpikeRule } from '../../../../lambdas/core/alert-kinds/petition-spike.ts';
import { volumeSpikeRule } from '../../../../lambdas/core/alert-kinds/volume-spike.ts';
import { alertRules } from '../../../../lambdas/core/alerting.ts';
import { backtest } from '../../../../lambdas/core/detect.ts';
import { quietMonth, type SimulatedHour } from '../../../helpers/seeded.ts';
import { toBuckets, withHours } from '../../../helpers/trend-buckets.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1);
const settings = defaultAlertSettings.volumeSpike;

const month = (postsPerHour: number, seed: number) =>
  quietMonth({ postsPerHour, negativeShare: 0.2, shareConcentration: 200, dispersion: postsPerHour >= 100 ? 0.05 : 0.3, days: 30, seed, start: START });
const endOf = (hours: readonly SimulatedHour[], index: number) => hours[index]!.hourStart + HOUR;
const posts = (hours: readonly SimulatedHour[]) => hours.map((h) => ({ hourStart: h.hourStart, count: h.posts }));

describe('volumeSpikeRule', () => {
  it('fires on a surge of posts that carry no petition mention, where the petition spike stays quiet', () => {
    const quiet = month(3, 1);
    const last = quiet.length - 1;
    const news = withHours(quiet, last, [{ posts: 45, negative: 9, petitionMentions: 0 }]);
    const rule = volumeSpikeRule(defaultAlertSettings)!;
    const finding = rule.evaluate(toBuckets('show', news), endOf(news, last));
    expect(finding).toMatchObject({ count: 45, windowStart: news[last]!.hourStart, windowEnd: endOf(news, last) });
    expect(finding!.threshold).toBeLessThanOrEqual(45);
    expect(finding!.threshold).toBeGreaterThanOrEqual(settings.minCount);
    expect(finding!.pValue).toBeLessThanOrEqual(settings.maxPValue);
    expect(petitionSpikeRule(defaultAlertSettings).evaluate(toBuckets('show', news), endOf(news, last))).toBeNull();
    expect(rule.evaluate(toBuckets('show', quiet), endOf(quiet, last))).toBeNull();
  });

  it('fires at 200 posts an hour on an hour well above the two-week record', () => {
    const quiet = month(200, 2);
    const last = quiet.length - 1;
    const record = Math.max(...quiet.slice(-14 * 24 - 1, -1).map((h) => h.posts));
    const news = withHours(quiet, last, [{ posts: record + 150, negative: 0, petitionMentions: 0 }]);
    expect(volumeSpikeRule(defaultAlertSettings)!.evaluate(toBuckets('show', news), endOf(news, last))).toMatchObject({ count: record + 150 });
    // The detector also wants a new record: as many posts as the fortnight's second-busiest burst
    // (bursts two days apart; one earlier wave may itself have been news) is not news.
    const fortnight = quiet.slice(-14 * 24 - 1, -1).map((h) => h.posts);
    const busiest = fortnight.indexOf(record);
    const second = Math.max(...fortnight.filter((_, i) => Math.abs(i - busiest) >= 48));
    const busy = withHours(quiet, last, [{ posts: second, negative: 0, petitionMentions: 0 }]);
    expect(volumeSpikeRule(defaultAlertSettings)!.evaluate(toBuckets('show', busy), endOf(busy, last))).toBeNull();
  });

  for (const postsPerHour of [0.3, 3, 200]) {
    it(`stays quiet over seeded months at ${postsPerHour} posts an hour`, () => {
      for (const seed of [1, 2, 3]) expect(backtest(posts(month(postsPerHour, seed)), settings), `seed ${seed}`).toEqual([]);
    });
  }

  it('holds the floor: an hour under minCount posts never alerts on a quiet topic', () => {
    const quiet = month(0.3, 4);
    const last = quiet.length - 1;
    const rule = volumeSpikeRule(defaultAlertSettings)!;
    // The five hours before are empty, so the six-hour ramp window holds the same count.
    const empty = { posts: 0, negative: 0, petitionMentions: 0 };
    const at = (count: number) =>
      rule.evaluate(toBuckets('show', withHours(quiet, last - 5, [...Array(5).fill(empty), { ...empty, posts: count }])), endOf(quiet, last));
    // 19 posts after a month at 0.3 an hour is wildly improbable, but under the floor of 20.
    expect(at(settings.minCount - 1)).toBeNull();
    expect(at(settings.minCount)).toMatchObject({ count: settings.minCount, threshold: settings.minCount });
  });

  it('is absent when turned off, and alertRules lists only the kinds turned on', () => {
    expect(alertRules(defaultAlertSettings).map((r) => r.kind)).toEqual(['petition-spike', 'volume-spike', 'negativity-surge']);
    const off = alertsSchema.parse({ volumeSpike: { enabled: false }, negativitySurge: { enabled: false } });
    expect(volumeSpikeRule(off)).toBeNull();
    expect(alertRules(off).map((r) => r.kind)).toEqual(['petition-spike']);
    expect(volumeSpikeRule(alertsSchema.parse({ volumeSpike: { cooldownHours: 3 } }))!.cooldownHours).toBe(3);
  });
});
