// Seeded random series for detector tests: the same seed gives the same month on every machine.

const HOUR_MS = 3_600_000;

/** mulberry32: small, fast, and good enough for simulated counts. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Marsaglia-Tsang. */
export function gamma(rand: () => number, shape: number): number {
  if (shape < 1) return gamma(rand, shape + 1) * rand() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      v = 1 + c * x;
    } while (v <= 0);
    v = v ** 3;
    if (Math.log(rand()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function poisson(rand: () => number, mean: number): number {
  let k = 0;
  for (let left = mean; left > 0; left -= 500) {
    const limit = Math.exp(-Math.min(left, 500));
    let p = rand();
    while (p > limit) {
      k++;
      p *= rand();
    }
  }
  return k;
}

export function binomial(rand: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rand() < p) k++;
  return k;
}

export function beta(rand: () => number, a: number, b: number): number {
  const x = gamma(rand, a);
  return x / (x + gamma(rand, b));
}

export interface QuietMonth {
  /** Mean posts an hour. */
  postsPerHour: number;
  /** Mean share of negative posts; each day draws its own from Beta(share·c, (1 - share)·c). */
  negativeShare: number;
  /** c above: smaller = days differ more. */
  shareConcentration: number;
  /** φ of the hourly posts' negative-binomial noise (variance = mean + φ·mean²). */
  dispersion: number;
  days: number;
  seed: number;
  /** Epoch ms of the first hour. */
  start: number;
}

export interface SimulatedHour {
  hourStart: number;
  posts: number;
  negative: number;
  petitionMentions: number;
}

/**
 * Posts with a daily cycle (peak at 15:00 UTC) and negative-binomial noise, a share of
 * them negative that wanders from day to day, and petition mentions at a tenth of the posts.
 */
export function quietMonth({ postsPerHour, negativeShare, shareConcentration, dispersion, days, seed, start }: QuietMonth): SimulatedHour[] {
  const rand = prng(seed);
  const hours: SimulatedHour[] = [];
  let share = negativeShare;
  for (let h = 0; h < days * 24; h++) {
    if (h % 24 === 0) share = beta(rand, negativeShare * shareConcentration, (1 - negativeShare) * shareConcentration);
    const mean = postsPerHour * (1 + 0.6 * Math.sin((2 * Math.PI * ((h % 24) - 9)) / 24));
    const posts = poisson(rand, mean * dispersion * gamma(rand, 1 / dispersion));
    hours.push({ hourStart: start + h * HOUR_MS, posts, negative: binomial(rand, posts, share), petitionMentions: binomial(rand, posts, 0.1) });
  }
  return hours;
}
