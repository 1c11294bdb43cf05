// The volume spike and the negativity surge on seeded months (test/helpers/seeded.ts): false
// alerts on quiet months at 0.3, 3, 30 and 200 posts an hour, the share of injected surges caught
// by the pass at the end of the surge, and the time to replay a month.

import { defaultAlertSettings } from '../lambdas/config/alerts-schema.ts';
import { backtestNegativity, detectNegativitySurge } from '../lambdas/core/alert-kinds/negativity-surge.ts';
import { backtest, detectSpike } from '../lambdas/core/detect.ts';
import { HOUR_MS } from '../lambdas/core/time.ts';
import { prng, quietMonth, type SimulatedHour } from '../test/helpers/seeded.ts';

const SEEDS = 20;
const START = Date.UTC(2026, 9, 1);
const RATES = [0.3, 3, 30, 200];

const month = (postsPerHour: number, seed: number) =>
  quietMonth({ postsPerHour, negativeShare: 0.2, shareConcentration: 200, dispersion: postsPerHour >= 100 ? 0.05 : 0.3, days: 30, seed, start: START });

/** A surge of `hours` hours ending at a seeded hour of the last ten days; returns the series and the pass time at its end. */
function inject(hours: SimulatedHour[], seed: number, length: number, make: (h: SimulatedHour) => SimulatedHour): { series: SimulatedHour[]; now: number } {
  const end = hours.length - 1 - Math.floor(prng(seed * 7919)() * 10 * 24);
  const series = hours.map((h, i) => (i > end - length && i <= end ? make(h) : h));
  return { series, now: series[end]!.hourStart + HOUR_MS };
}

export async function main(): Promise<void> {
  const { volumeSpike, negativitySurge } = defaultAlertSettings;
  console.log(`${SEEDS} seeded 30-day months per rate (daily cycle ±60%, negative share ~20% wandering by day)\n`);
  console.log('| posts/h | volume-spike false alerts/month | negativity-surge false alerts/month | volume surge caught (1 h at 4× the usual peak, ≥ 25 posts) | negativity surge caught (3 h at 55% / 80% negative, ≥ 5 posts/h) | replay ms/month (both) |');
  console.log('|---|---|---|---|---|---|');
  for (const rate of RATES) {
    let volumeFalse = 0;
    let negativeFalse = 0;
    let volumeCaught = 0;
    const negativeCaught = [0, 0];
    let ms = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const quiet = month(rate, seed);
      const t0 = performance.now();
      volumeFalse += backtest(quiet.map((h) => ({ hourStart: h.hourStart, count: h.posts })), volumeSpike).length;
      negativeFalse += backtestNegativity(quiet, negativitySurge).length;
      ms += performance.now() - t0;
      // A news hour: four times the hour's usual posts, at least 25.
      const news = inject(quiet, seed, 1, (h) => ({ ...h, posts: Math.max(25, Math.round(4 * rate * 1.6)) }));
      if (detectSpike(news.series.map((h) => ({ hourStart: h.hourStart, count: h.posts })), news.now, volumeSpike).status === 'spike') volumeCaught++;
      // Three sour hours: at least 5 posts an hour, 55% (or 80%) of them negative (usual 20%).
      for (const [share, i] of [[0.55, 0], [0.8, 1]] as const) {
        const sour = inject(quiet, seed, 3, (h) => {
          const posts = Math.max(5, h.posts);
          return { ...h, posts, negative: Math.round(posts * share) };
        });
        if (detectNegativitySurge(sour.series, sour.now, negativitySurge).status === 'surge') negativeCaught[i] = negativeCaught[i]! + 1;
      }
    }
    console.log(
      `| ${rate} | ${(volumeFalse / SEEDS).toFixed(2)} | ${(negativeFalse / SEEDS).toFixed(2)} | ${volumeCaught}/${SEEDS} | ${negativeCaught[0]}/${SEEDS} / ${negativeCaught[1]}/${SEEDS} | ${(ms / SEEDS).toFixed(0)} |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
