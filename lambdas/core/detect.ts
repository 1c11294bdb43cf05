// Petition spike detection: is the count in the recent window improbably high for this hour, given
// the topic's own history? Pure: time comes in as `now`, history as hourly counts.
//
// Model, in the order the code runs:
// - Window: every hourly bucket overlapping the last `windowHours` hours before `now`. The bucket
//   holding `now` is partial; its posts count in full and its expected count is pro-rated by the
//   part of the hour that has passed. A second window of `rampWindowHours` catches slow ramps.
// - Expected count per hour: the same hour of day over the last `seasonDays` days (the daily
//   cycle), trimmed of its highest and lowest day once there are enough days (one past spike does
//   not lift the baseline), and shrunk toward a robust trailing level by a Gamma prior worth
//   PRIOR_SHAPE pseudo-mentions: irrelevant at tweet volumes, decisive for sparse petition counts
//   where a same-hour mean of zeros would make any mention look infinitely unlikely.
// - Spread: counts are over-dispersed (bursts, days unlike each other), so the tail is negative
//   binomial with variance = mean + φ·mean². φ is estimated per window length by moments from how
//   far the same baseline missed over the last week, with past spikes clipped out (iteratively, at
//   CLIP_SIGMA), so it includes the baseline's own estimation error.
// - With less than `minHistoryHours` of history there is no trustworthy daily cycle: a flat
//   trailing mean, a heavy-tailed φ = 1 and `shortHistoryMinCount` still catch unmistakable spikes.

import type { AlertSettings } from '../config/alerts-schema.ts';
import { HOUR_MS, type HourlyCount } from './series.ts';
import { negativeBinomialUpperTail } from './stats/negative-binomial.ts';

export type { HourlyCount };

/** Pseudo-mentions of the Gamma prior that pulls each same-hour slot toward the trailing level. */
const PRIOR_SHAPE = 1;
/** Hours of history behind the trailing level (the prior's mean, and the short-history baseline). */
const LEVEL_HOURS = 7 * 24;
/** Hours of past windows whose misses estimate the dispersion. */
const DISPERSION_HOURS = 7 * 24;
/** Past windows this many standard deviations above their baseline are spikes, not spread. */
const CLIP_SIGMA = 4;
/** Bounds on φ: below 0.01 the tail is Poisson for any count we see; above 4 nothing could alert. */
const MIN_DISPERSION = 0.01;
const MAX_DISPERSION = 4;
/** φ assumed while history is short: a coefficient of variation of 1 (as wild as a geometric). */
const SHORT_HISTORY_DISPERSION = 1;
/** Below this even the short-history fallback has no baseline to speak of. */
const MIN_FALLBACK_HISTORY_HOURS = 12;

export type BaselineBasis = 'seasonal' | 'short-history';

/** One window tested at `now`, with the numbers behind its verdict. Times are epoch ms. */
export interface WindowTest {
  windowStart: number;
  windowEnd: number;
  /** The window's nominal length (windowHours or rampWindowHours). */
  hours: number;
  count: number;
  /** Expected count in the window. */
  baseline: number;
  /** φ of the negative binomial used for this window. */
  dispersion: number;
  /** Smallest count that would alert in this window (p-value and minimum count both met). */
  threshold: number;
  /** P(count at least this high | baseline, dispersion). */
  pValue: number;
}

interface Verdict extends WindowTest {
  basis: BaselineBasis;
  /** Whole hours of history before the window. */
  historyHours: number;
  /** Every window tested; the fields above repeat the one that decided (the most significant). */
  tests: WindowTest[];
}

export type Detection =
  | ({ status: 'spike' } & Verdict)
  | ({ status: 'normal' } & Verdict)
  | {
      status: 'insufficient-data';
      reason: string;
      windowStart: number;
      windowEnd: number;
      count: number;
      historyHours: number;
      neededHours: number;
    };

/** A backtest alert, in the shape `fanpulse detect` prints (times ISO-8601). */
export interface SpikeFinding {
  windowStart: string;
  windowEnd: string;
  count: number;
  baseline: number;
  threshold: number;
  pValue: number;
  dispersion: number;
  basis: BaselineBasis;
}

export interface DetectOptions {
  /**
   * When the counts start (epoch ms): hours before it are unknown, not zero. Defaults to the first
   * bucket in the series; pass the start of the queried range when empty hours are left out.
   */
  historyStart?: number;
}

/** Hours of history the detector reads before `now`: load at least this much. */
export function lookbackHours(settings: AlertSettings): number {
  return Math.max(LEVEL_HOURS, DISPERSION_HOURS + 24 * settings.seasonDays) + longestWindow(settings) + 1;
}

/** The earliest time another alert for the same topic may be raised after one detected at `detectedAt`. */
export function cooldownUntil(detectedAt: number, settings: AlertSettings): number {
  return detectedAt + settings.cooldownHours * HOUR_MS;
}

/** Tests the windows ending at `now` (epoch ms) against the topic's history. */
export function detectSpike(series: HourlyCount[], now: number, settings: AlertSettings, options: DetectOptions = {}): Detection {
  return evaluate(index(series, options), now, settings);
}

/**
 * Replays the detector over a series as hourly passes would have run it: at the end of each hour
 * from the first bucket to the last, skipping passes inside the cooldown after an alert.
 */
export function backtest(series: HourlyCount[], settings: AlertSettings, options: DetectOptions = {}): SpikeFinding[] {
  const counts = index(series, options);
  if (counts.first === null || counts.last === null) return [];
  const findings: SpikeFinding[] = [];
  let quietUntil = -Infinity;
  for (let hour = counts.first; hour <= counts.last; hour++) {
    const now = (hour + 1) * HOUR_MS;
    if (now < quietUntil) continue;
    const detection = evaluate(counts, now, settings);
    if (detection.status !== 'spike') continue;
    findings.push(toFinding(detection));
    quietUntil = cooldownUntil(now, settings);
  }
  return findings;
}

export function toFinding(detection: Extract<Detection, { status: 'spike' }>): SpikeFinding {
  return {
    windowStart: new Date(detection.windowStart).toISOString(),
    windowEnd: new Date(detection.windowEnd).toISOString(),
    count: detection.count,
    baseline: detection.baseline,
    threshold: detection.threshold,
    pValue: detection.pValue,
    dispersion: detection.dispersion,
    basis: detection.basis,
  };
}

// ---- internals: hour indices (epoch hours) rather than ms, so neighbours are ±1 -----------------

interface IndexedCounts {
  byHour: Map<number, number>;
  /** First hour with known counts (history start), last hour with a bucket; null when empty. */
  first: number | null;
  last: number | null;
}

function index(series: HourlyCount[], options: DetectOptions): IndexedCounts {
  const byHour = new Map<number, number>();
  let first = Infinity;
  let last = -Infinity;
  for (const { hourStart, count } of series) {
    if (!Number.isFinite(hourStart) || !Number.isFinite(count) || count < 0) {
      throw new RangeError(`hourly counts must be finite and >= 0, got ${count} at ${hourStart}`);
    }
    const hour = Math.floor(hourStart / HOUR_MS);
    byHour.set(hour, (byHour.get(hour) ?? 0) + Math.round(count));
    first = Math.min(first, hour);
    last = Math.max(last, hour);
  }
  if (options.historyStart !== undefined) first = Math.floor(options.historyStart / HOUR_MS);
  return { byHour, first: Number.isFinite(first) ? first : null, last: Number.isFinite(last) ? last : null };
}

function longestWindow(settings: AlertSettings): number {
  return Math.max(settings.windowHours, settings.rampWindowHours);
}

function windowLengths(settings: AlertSettings): number[] {
  return settings.rampWindowHours > settings.windowHours ? [settings.windowHours, settings.rampWindowHours] : [settings.windowHours];
}

function evaluate(data: IndexedCounts, now: number, settings: AlertSettings): Detection {
  if (!Number.isFinite(now)) throw new RangeError(`now must be epoch milliseconds, got ${now}`);
  // The last bucket that has begun before `now`; at an exact hour boundary it is the hour just ended.
  const lastHour = Math.floor((now - 1) / HOUR_MS);
  const elapsed = (now - lastHour * HOUR_MS) / HOUR_MS;
  const count = (hour: number) => (data.first !== null && hour >= data.first && hour <= lastHour ? (data.byHour.get(hour) ?? 0) : 0);
  const windows = windowLengths(settings).map((hours) => {
    const start = Math.floor((now - hours * HOUR_MS) / HOUR_MS);
    let total = 0;
    for (let h = start; h <= lastHour; h++) total += count(h);
    return { hours, start, count: total };
  });
  const shortest = windows[0]!;
  const historyHours = data.first === null ? 0 : Math.max(0, shortest.start - data.first);

  if (data.first === null || historyHours < MIN_FALLBACK_HISTORY_HOURS) {
    return {
      status: 'insufficient-data',
      reason:
        data.first === null
          ? 'no counts for this topic yet'
          : `only ${historyHours} h of history before the window; even the short-history fallback needs ${MIN_FALLBACK_HISTORY_HOURS} h`,
      windowStart: shortest.start * HOUR_MS,
      windowEnd: now,
      count: shortest.count,
      historyHours,
      neededHours: MIN_FALLBACK_HISTORY_HOURS,
    };
  }

  const seasonal = historyHours >= settings.minHistoryHours;
  const basis: BaselineBasis = seasonal ? 'seasonal' : 'short-history';
  const minCount = seasonal ? settings.minCount : Math.max(settings.minCount, settings.shortHistoryMinCount);
  const earliestStart = windows[windows.length - 1]!.start;
  const level = trailingLevel(count, Math.max(data.first, earliestStart - LEVEL_HOURS), earliestStart);

  const model = seasonal
    ? seasonalModel(count, data.first, earliestStart - T.dispHours! - longestWindow(settings), lastHour, level, settings.seasonDays)
    : null;

  const tests = windows.map(({ hours, start, count: observed }): WindowTest => {
    // The partial last bucket is expected to hold only the elapsed part of its hour.
    let baseline: number;
    let dispersion: number;
    if (model) {
      const m = model.moments(start, lastHour, elapsed);
      baseline = m.mean;
      let phi = model.dispersion(hours, start);
      if (T.indepFloor && hours > settings.windowHours) phi = Math.max(phi, model.dispersion(settings.windowHours, start) * m.sq / m.mean ** 2);
      dispersion = Math.min(MAX_DISPERSION, predictiveDispersion(phi, m));
    } else {
      baseline = level * (lastHour - start + elapsed);
      dispersion = SHORT_HISTORY_DISPERSION;
    }
    return {
      windowStart: start * HOUR_MS,
      windowEnd: now,
      hours,
      count: observed,
      baseline,
      dispersion,
      threshold: alertThreshold(baseline, dispersion, settings.maxPValue, minCount),
      pValue: negativeBinomialUpperTail(observed, baseline, dispersion),
    };
  });
  // An alerting window beats a quiet one, then the smaller p-value; ties keep the shorter window.
  const alerts = (t: WindowTest) => t.count >= t.threshold;
  const decisive = tests.reduce((best, t) =>
    alerts(t) !== alerts(best) ? (alerts(t) ? t : best) : t.pValue < best.pValue ? t : best,
  );
  const status = alerts(decisive) ? 'spike' : 'normal';
  return { status, ...decisive, basis, historyHours, tests };
}

/**
 * Robust mean count per hour over [from, to): winsorised at the 95th percentile so one huge hour
 * does not set the level for a week, plus half a mention (the Jeffreys prior) so an all-zero
 * history still has a small positive level rather than zero.
 */
function trailingLevel(count: (hour: number) => number, from: number, to: number): number {
  const values: number[] = [];
  for (let h = from; h < to; h++) values.push(count(h));
  if (values.length === 0) return 0.5;
  const sorted = [...values].sort((a, b) => a - b);
  const cap = sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!;
  const sum = values.reduce((acc, v) => acc + Math.min(v, cap), 0);
  return (sum + 0.5) / values.length;
}

const T = { neighbours: 1, clip: 4, winsor: 0, estVar: 1, prior: 1, trimFrac: 0.1, slot: 2, madK: 3, slack: 3, minPhi: 0.01, indepFloor: 1, dispHours: 168, ...JSON.parse(process.env.FP_MODEL ?? '{}') } as Record<string, number>;

/**
 * Expected counts from the same hour on earlier days, and per-window-length dispersion from how
 * those expectations fared over the past week. Hours before `firstKnown` are unknown, not zero.
 */
function seasonalModel(count: (hour: number) => number, firstKnown: number, from: number, lastHour: number, level: number, seasonDays: number) {
  const start = Math.max(from, firstKnown + 24);
  const n = lastHour - start + 1;
  const mu = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const sq = new Float64Array(n);
  for (let h = start; h <= lastHour; h++) {
    const slot = slotRate(count, firstKnown, h, level, seasonDays);
    mu[h - start] = slot.rate;
    sq[h - start] = slot.rate ** 2;
    a[h - start] = T.estVar! ? slot.rate ** 2 / slot.shape : 0;
    b[h - start] = T.estVar! ? slot.rate ** 2 / slot.n : 0;
  }
  const prefix = (values: ArrayLike<number>) => {
    const out = new Float64Array(values.length + 1);
    for (let i = 0; i < values.length; i++) out[i + 1] = out[i]! + values[i]!;
    return (from: number, to: number) => (to < from ? 0 : out[to - start + 1]! - out[from - start]!);
  };
  const counts = new Float64Array(n);
  for (let h = start; h <= lastHour; h++) counts[h - start] = count(h);
  const sumMu = prefix(mu);
  const sumA = prefix(a);
  const sumB = prefix(b);
  const sumSq = prefix(sq);
  const sumC = prefix(counts);
  const moments = (from: number, to: number, partial = 1): WindowMoments => {
    const w = (f: (x: number, y: number) => number, sq: boolean) => f(from, to - 1) + (sq ? partial * partial : partial) * f(to, to);
    return { mean: w(sumMu, false), a: w(sumA, true), b: w(sumB, true), sq: w(sumSq, true) };
  };
  const dispersion = (hours: number, windowStart: number) => {
    const past: Array<{ count: number } & WindowMoments> = [];
    // Past windows of the same length, ending before this window starts (no overlap with it).
    for (let end = Math.max(start + hours - 1, windowStart - T.dispHours!); end < windowStart; end++) {
      past.push({ count: sumC(end - hours + 1, end), ...moments(end - hours + 1, end) });
    }
    return estimateDispersion(past);
  };
  return { moments, dispersion };
}

interface WindowMoments {
  mean: number;
  /** Variance of the estimated mean from the Poisson part of the slot data. */
  a: number;
  /** Variance of the estimated mean per unit of dispersion. */
  b: number;
  sq: number;
}

/** Predictive φ for a window: intrinsic dispersion plus the uncertainty of the baseline itself. */
function predictiveDispersion(phi: number, m: WindowMoments): number {
  return m.mean > 0 ? phi * (1 + m.b / m.mean ** 2) + m.a / m.mean ** 2 : phi;
}

/** Expected count for hour `h`: trimmed same-hour mean over past days, shrunk toward `level`. */
function quantileSorted(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

function slotRate(count: (hour: number) => number, firstKnown: number, h: number, level: number, seasonDays: number) {
  const values: number[] = [];
  for (let d = 1; d <= seasonDays && h - 24 * d >= firstKnown - T.neighbours!; d++) {
    for (let o = -T.neighbours!; o <= T.neighbours!; o++) {
      const x = h - 24 * d + o;
      if (x >= firstKnown && x < h) values.push(count(x));
    }
  }
  values.sort((x, y) => x - y);
  let kept = values;
  if (T.slot === 1) {
    const trim = values.length >= 5 ? Math.max(1, Math.floor(values.length * T.trimFrac!)) : 0;
    kept = trim ? values.slice(trim, -trim) : values;
  } else if (values.length) {
    const median = quantileSorted(values, 0.5);
    const mad = quantileSorted(values.map((v) => Math.abs(v - median)).sort((x, y) => x - y), 0.5);
    const cap = median + T.madK! * 1.4826 * mad + T.slack!;
    kept = values.map((v) => Math.min(v, cap));
  }
  const sum = kept.reduce((acc, v) => acc + v, 0);
  const prior = T.prior!;
  return { rate: (sum + prior) / (kept.length + prior / level), shape: sum + prior, n: Math.max(1, kept.length) };
}

/**
 * Method-of-moments φ, from E[(C - M)² - C - A] = φ·(M² + B) summed over past windows, re-estimated
 * without the windows that sit more than CLIP_SIGMA standard deviations above their expectation.
 */
export function estimateDispersion(past: Array<{ count: number } & WindowMoments>): number {
  const estimate = (phi0: number | null) => {
    let num = 0;
    let den = 0;
    for (const w of past) {
      let r2 = (w.count - w.mean) ** 2;
      if (phi0 !== null) {
        const v = w.mean + phi0 * (w.mean ** 2 + w.b) + w.a;
        const z = (w.count - w.mean) / Math.sqrt(v);
        if (z > T.clip!) {
          if (!T.winsor) continue;
          r2 = T.clip! ** 2 * v;
        }
      }
      num += r2 - w.count - w.a;
      den += w.mean ** 2 + w.b;
    }
    return den > 0 ? Math.min(MAX_DISPERSION, Math.max(T.minPhi!, num / den)) : SHORT_HISTORY_DISPERSION;
  };
  let phi = estimate(null);
  for (let round = 0; round < 10; round++) {
    const next = estimate(phi);
    if (Math.abs(next - phi) < 1e-6) return next;
    phi = next;
  }
  return phi;
}

/** Smallest count k >= minCount with P(X >= k) <= maxPValue: the count this window needed to alert. */
function alertThreshold(mean: number, dispersion: number, maxPValue: number, minCount: number): number {
  const tail = (k: number) => negativeBinomialUpperTail(k, mean, dispersion);
  let low = minCount - 1;
  let high = Math.max(minCount, Math.ceil(mean));
  if (tail(high) <= maxPValue) {
    if (high === minCount) return minCount;
  } else {
    while (tail(high) > maxPValue) {
      low = high;
      high *= 2;
    }
  }
  // Invariant: tail(high) <= maxPValue, and low < minCount or tail(low) > maxPValue.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (mid >= minCount && tail(mid) <= maxPValue) high = mid;
    else low = mid;
  }
  return high;
}
