// Petition spike detection: is the count in the recent window improbably high for this time of
// day, given the topic's own history? Pure: time comes in as `now`, history as hourly counts.
//
// The model, in the order the code runs:
// - Window: every hourly bucket that overlaps the last `windowHours` hours before `now`. The bucket
//   holding `now` is partial: its posts count in full and its expected count is pro-rated by the
//   part of the hour that has passed. So a pass at 14:05 still sees the whole 13:00 bucket (late
//   posts of the last hour are not lost), and a pass at exactly 14:00 tests 13:00-14:00. A second,
//   longer window (`rampWindowHours`) catches slow ramps in which no single hour stands out.
// - Expected count per hour (the seasonal baseline): the same hour of day, ±1 hour, over the last
//   `seasonDays` days, each value winsorised at median + 3 robust SDs (+3 counts of slack for
//   sparse data) so one past spike does not lift next week's baseline. That slot mean is shrunk
//   toward the trailing level by a Gamma prior worth one pseudo-mention: irrelevant at tweet
//   volumes, decisive for sparse petition counts, where a slot of zeros alone would make any
//   mention look infinitely unlikely.
// - Spread: real counts are over-dispersed (bursts, days unlike each other), so the tail is
//   negative binomial with variance = mean + φ·mean². φ is estimated per window length by moments,
//   from how far the same baseline missed over the last DISPERSION_HOURS, with each miss
//   winsorised at CLIP_SIGMA standard deviations (a past spike raises the bar, but cannot set it
//   alone). The baseline's own estimation error (few days, few counts) is added on top.
// - Record: the count must also be above the second-highest of the bursts (windows of the same
//   length, peaks at least RECORD_PEAK_GAP_HOURS apart) in the last RECORD_HOURS (two weeks). A
//   topic whose bursts recur (a bot, a weekly show night) has shown twice that such a burst is its
//   normal; one earlier burst is itself news (the last wave, alerted on), so a second wave alerts
//   once the cooldown has passed. This is the peaks-over-history idea of extreme-value detectors
//   (SPOT, Siffer et al. 2017) in its simplest form. On NAB realTweets the highest-window record cut
//   the false alerts from 36 to 14; the second peak (with the 24 h cooldown) catches 5 more of the
//   33 labelled windows for 7 more false alerts, F1 0.618 → 0.650 (README, "How spikes are detected").
// - Decision: a window alerts when its count reaches its threshold, the smallest count with
//   P(X >= count) <= `maxPValue` that is also >= `minCount` and above the two-week record; the
//   shortest alerting window is reported.
//   Cooldown is not applied here (the store's claimAlert and `backtest` apply `cooldownUntil`).
// - With less than `minHistoryHours` of history before the longest window there is no trustworthy
//   daily cycle: the short window alone is tested against a flat trailing mean with φ = 1 and
//   `shortHistoryMinCount`, which still catches an unmistakable spike on a new campaign. Under
//   MIN_FALLBACK_HISTORY_HOURS of history the answer is 'insufficient-data'.

import type { AlertSettings } from '../config/alerts-schema.ts';
import type { HourlyCount } from './series.ts';
import type { SpikeWindow } from './types.ts';
import { HOUR_MS } from './time.ts';
import { iterateToFixedPoint } from './stats/fixed-point.ts';
import { negativeBinomialUpperTail } from './stats/negative-binomial.ts';

export type { HourlyCount };

/** Hours either side of the same hour of day that also feed a slot: daily cycles are smooth. */
const NEIGHBOUR_HOURS = 1;
/** Slot values above median + this many robust SDs (+ SLOT_SLACK) are pulled down to that cap. */
const SLOT_ROBUST_SDS = 3;
const SLOT_SLACK = 3;
/** Pseudo-mentions of the Gamma prior that pulls each slot toward the trailing level. */
const PRIOR_SHAPE = 1;
/** Hours behind the trailing level (the prior's mean, and the short-history baseline). */
const LEVEL_HOURS = 7 * 24;
/**
 * Hours of past windows whose misses estimate φ. Two weeks rather than one: a week holds only ~28
 * independent 6-hour windows, too few for a stable variance.
 */
const DISPERSION_HOURS = 14 * 24;
/** A past miss counts as at most this many standard deviations (Huber-style winsorising). */
const CLIP_SIGMA = 8;
/**
 * Prior on φ, worth PRIOR_DISPERSION_WEIGHT squared counts: at 0.3 mentions an hour the data cannot
 * tell Poisson from bursty, so assume bursty; at tweet volumes the data outweighs it at once.
 */
const PRIOR_DISPERSION = 0.25;
const PRIOR_DISPERSION_WEIGHT = 25;
/** Bounds on φ: below 0.01 the tail is Poisson for any count we see; at 4 only huge spikes alert. */
const MIN_DISPERSION = 0.01;
const MAX_DISPERSION = 4;
/** φ assumed while history is short: a coefficient of variation of 1, as wild as a geometric. */
const SHORT_HISTORY_DISPERSION = 1;
/** Hours of history whose highest window of the same length a count must beat (the record). */
const RECORD_HOURS = 14 * 24;
/**
 * Two windows whose peaks are closer than this are one burst, not two: a wave that lasts a day
 * (or comes back the next morning) must not count as its own second peak.
 */
const RECORD_PEAK_GAP_HOURS = 48;
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
  /** φ of the negative binomial tail used for this window (baseline uncertainty included). */
  dispersion: number;
  /** Smallest count that would alert in this window (p-value, minimum count and record all met). */
  threshold: number;
  /**
   * The second-highest burst before this window: among windows of the same length lying in the
   * RECORD_HOURS before it, the highest count at least RECORD_PEAK_GAP_HOURS away from the highest one
   * (0 without such history).
   */
  record: number;
  /** P(a count at least this high | baseline, dispersion). */
  pValue: number;
}

interface Verdict extends WindowTest {
  basis: BaselineBasis;
  /** Whole hours of history before the window. */
  historyHours: number;
  /** Every window tested; the fields above repeat the one that decided. */
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

export type SpikeDetection = Extract<Detection, { status: 'spike' }>;

/** A backtest alert, in the shape `fanpulse detect` prints. */
export interface SpikeFinding extends SpikeWindow {
  dispersion: number;
  basis: BaselineBasis;
}

export interface DetectOptions {
  /**
   * When the counts start (epoch ms): hours before it are unknown, hours after it with no bucket
   * are 0. Defaults to the first bucket in the series; pass the start of the queried range when
   * the store leaves empty hours out.
   */
  historyStart?: number;
}

/** Hours of history the detector reads before `now`: load at least this much. */
export function lookbackHours(settings: AlertSettings): number {
  const seasonal = DISPERSION_HOURS + 24 * settings.seasonDays + NEIGHBOUR_HOURS;
  return Math.max(LEVEL_HOURS, seasonal) + longestWindow(settings) + 1;
}

/** The earliest time another alert for the same topic may be raised after one detected at `detectedAt`. */
export function cooldownUntil(detectedAt: number, settings: AlertSettings): number {
  return detectedAt + settings.cooldownHours * HOUR_MS;
}

/** Tests the windows ending at `now` (epoch ms) against the topic's history. No cooldown here. */
export function detectSpike(series: HourlyCount[], now: number, settings: AlertSettings, options: DetectOptions = {}): Detection {
  return evaluate(index(series, options), now, settings);
}

/**
 * Replays the detector as hourly passes would have run it: at the end of each hour from the first
 * bucket to the last, skipping passes inside the cooldown after an alert.
 */
export function backtest(series: HourlyCount[], settings: AlertSettings, options: DetectOptions = {}): SpikeFinding[] {
  const counts = index(series, options);
  if (counts.first === null || counts.last === null) return [];
  const findings: SpikeFinding[] = [];
  let quietUntil = -Infinity;
  for (let hour = Math.max(counts.first, counts.firstBucket); hour <= counts.last; hour++) {
    const now = (hour + 1) * HOUR_MS;
    if (now < quietUntil) continue;
    const detection = evaluate(counts, now, settings);
    if (detection.status !== 'spike') continue;
    findings.push(toFinding(detection));
    quietUntil = cooldownUntil(now, settings);
  }
  return findings;
}

export function toFinding(detection: SpikeDetection): SpikeFinding {
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

// ---- internals: hours are epoch-hour indices, so the hour before h is h - 1 --------------------

interface IndexedCounts {
  byHour: Map<number, number>;
  /** History start (hours before it are unknown); null when there is nothing at all. */
  first: number | null;
  firstBucket: number;
  last: number | null;
  /** Winsorised slot sums by hour: they read only days before the hour, so any pass can reuse them. */
  slots: Map<number, SlotData>;
}

interface SlotData {
  sum: number;
  n: number;
}

function index(series: HourlyCount[], options: DetectOptions): IndexedCounts {
  const byHour = new Map<number, number>();
  let firstBucket = Infinity;
  let last = -Infinity;
  for (const { hourStart, count } of series) {
    if (!Number.isFinite(hourStart) || !Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`hourly counts must be whole numbers >= 0 at finite times, got ${count} at ${hourStart}`);
    }
    const hour = Math.floor(hourStart / HOUR_MS);
    byHour.set(hour, (byHour.get(hour) ?? 0) + count);
    firstBucket = Math.min(firstBucket, hour);
    last = Math.max(last, hour);
  }
  const first = options.historyStart !== undefined ? Math.floor(options.historyStart / HOUR_MS) : firstBucket;
  return {
    byHour,
    first: Number.isFinite(first) ? first : null,
    firstBucket,
    last: Number.isFinite(last) ? last : null,
    slots: new Map(),
  };
}

function longestWindow(settings: AlertSettings): number {
  return Math.max(settings.windowHours, settings.rampWindowHours);
}

function evaluate(data: IndexedCounts, now: number, settings: AlertSettings): Detection {
  if (!Number.isFinite(now)) throw new RangeError(`now must be epoch milliseconds, got ${now}`);
  // The last bucket begun before `now`; at an exact hour boundary, the hour that just ended.
  const lastHour = Math.floor((now - 1) / HOUR_MS);
  const elapsed = (now - lastHour * HOUR_MS) / HOUR_MS;
  const first = data.first;
  const count = (hour: number) => (first !== null && hour >= first && hour <= lastHour ? (data.byHour.get(hour) ?? 0) : 0);
  const lengths = settings.rampWindowHours > settings.windowHours ? [settings.windowHours, settings.rampWindowHours] : [settings.windowHours];
  const windows = lengths.map((hours) => {
    const start = Math.floor((now - hours * HOUR_MS) / HOUR_MS);
    let total = 0;
    for (let h = start; h <= lastHour; h++) total += count(h);
    return { hours, start, count: total };
  });
  const shortest = windows[0]!;
  const historyHours = first === null ? 0 : Math.max(0, shortest.start - first);

  if (first === null || historyHours < MIN_FALLBACK_HISTORY_HOURS) {
    return {
      status: 'insufficient-data',
      reason:
        first === null
          ? 'no counts for this topic yet'
          : `only ${historyHours} h of history before the window; even the short-history fallback needs ${MIN_FALLBACK_HISTORY_HOURS} h`,
      windowStart: shortest.start * HOUR_MS,
      windowEnd: now,
      count: shortest.count,
      historyHours,
      neededHours: MIN_FALLBACK_HISTORY_HOURS,
    };
  }

  // Every bucket of every window needs a day of history behind it for the seasonal baseline, so
  // the longest window decides; with less, the fallback tests the short window alone.
  const seasonal = windows[windows.length - 1]!.start - first >= settings.minHistoryHours;
  const tested = seasonal ? windows : [shortest];
  const basis: BaselineBasis = seasonal ? 'seasonal' : 'short-history';
  const minCount = seasonal ? settings.minCount : Math.max(settings.minCount, settings.shortHistoryMinCount);
  const earliestStart = tested[tested.length - 1]!.start;
  // Measured before every tested window, so a ramp under test does not raise its own baseline.
  const level = trailingLevel(count, Math.max(first, earliestStart - LEVEL_HOURS), earliestStart);
  const model = seasonal
    ? seasonalModel(count, first, earliestStart - DISPERSION_HOURS - longestWindow(settings), lastHour, level, (h) => {
        let slot = data.slots.get(h);
        if (!slot) data.slots.set(h, (slot = slotData(count, first, h, settings.seasonDays)));
        return slot;
      })
    : null;
  const hourly = model?.dispersion(settings.windowHours, shortest.start);

  const tests = tested.map(({ hours, start, count: observed }): WindowTest => {
    let baseline: number;
    let dispersion: number;
    if (model && hourly !== undefined) {
      const m = model.moments(start, lastHour, elapsed);
      let phi = model.dispersion(hours, start);
      // A sum of hours is never smoother than independent hours would make it; a noisy estimate
      // from few long windows must not claim it is.
      if (hours > settings.windowHours) phi = Math.max(phi, (hourly * m.squares) / m.mean ** 2);
      baseline = m.mean;
      dispersion = Math.min(MAX_DISPERSION, predictiveDispersion(phi, m));
    } else {
      baseline = level * (lastHour - start + elapsed);
      dispersion = SHORT_HISTORY_DISPERSION;
    }
    const record = recentRecord(count, hours, Math.max(first, start - RECORD_HOURS), start);
    return {
      windowStart: start * HOUR_MS,
      windowEnd: now,
      hours,
      count: observed,
      baseline,
      dispersion,
      threshold: Math.max(record + 1, alertThreshold(baseline, dispersion, settings.maxPValue, minCount)),
      record,
      pValue: negativeBinomialUpperTail(observed, baseline, dispersion),
    };
  });
  // An alerting window beats a quiet one. Among alerting windows the shortest is reported: "30 in
  // the last hour" is what an organiser acts on; the ramp window speaks only when the hour did not.
  // Among quiet ones, the smallest p-value (the closest call) explains the verdict.
  const alerts = (t: WindowTest) => t.count >= t.threshold;
  const decisive = tests.reduce((best, t) => {
    if (alerts(t) !== alerts(best)) return alerts(t) ? t : best;
    if (alerts(t)) return t.hours < best.hours ? t : best;
    return t.pValue < best.pValue ? t : best;
  });
  return { status: alerts(decisive) ? 'spike' : 'normal', ...decisive, basis, historyHours, tests };
}

/**
 * Mean count per hour over [from, to), winsorised at its 95th percentile so one huge hour does not
 * set the level for a week, plus half a mention (the Jeffreys prior) so an all-zero history has a
 * small positive level rather than zero.
 */
function trailingLevel(count: (hour: number) => number, from: number, to: number): number {
  const values: number[] = [];
  for (let h = from; h < to; h++) values.push(count(h));
  if (values.length === 0) return 0.5;
  const cap = quantile([...values].sort((a, b) => a - b), 0.95);
  return (values.reduce((acc, v) => acc + Math.min(v, cap), 0) + 0.5) / values.length;
}

/**
 * The second-highest burst in [from, to): totals of `hours` consecutive hours lying wholly in the
 * range, the highest of those whose last hour is at least RECORD_PEAK_GAP_HOURS from the highest
 * total's. The record to beat.
 */
function recentRecord(count: (hour: number) => number, hours: number, from: number, to: number): number {
  const totals: number[] = [];
  let total = 0;
  for (let h = from; h < to; h++) {
    total += count(h);
    if (h - hours >= from) total -= count(h - hours);
    if (h - from + 1 >= hours) totals.push(total);
  }
  const top = totals.indexOf(Math.max(...totals));
  return totals.reduce((record, t, i) => (Math.abs(i - top) >= RECORD_PEAK_GAP_HOURS ? Math.max(record, t) : record), 0);
}

/** Sums over a window of per-hour slot statistics. */
interface WindowMoments {
  /** Expected count. */
  mean: number;
  /** Variance of that expectation from the Poisson part of the slot data (Σ μ²/shape). */
  poissonError: number;
  /** Variance of that expectation per unit of φ (Σ μ²/n). */
  dispersionError: number;
  /** Σ μ², for the independent-hours bound on a long window's φ. */
  squares: number;
}

/** Predictive φ: intrinsic over-dispersion plus the uncertainty of the baseline itself. */
function predictiveDispersion(phi: number, m: WindowMoments): number {
  return m.mean > 0 ? phi * (1 + m.dispersionError / m.mean ** 2) + m.poissonError / m.mean ** 2 : phi;
}

/**
 * Slot expectations for the hours [from, lastHour] (prefix sums, so any window is O(1)), and φ
 * per window length from past windows. Hours before `firstKnown` are unknown, not zero.
 */
function seasonalModel(
  count: (hour: number) => number,
  firstKnown: number,
  from: number,
  lastHour: number,
  level: number,
  slotAt: (hour: number) => SlotData,
) {
  const start = Math.max(from, firstKnown + 24);
  const size = lastHour - start + 1;
  const columns = { mean: new Float64Array(size), poissonError: new Float64Array(size), dispersionError: new Float64Array(size), squares: new Float64Array(size) };
  const observed = new Float64Array(size);
  for (let h = start; h <= lastHour; h++) {
    const slot = slotEstimate(slotAt(h), level);
    const i = h - start;
    columns.mean[i] = slot.rate;
    columns.poissonError[i] = slot.rate ** 2 / slot.shape;
    columns.dispersionError[i] = slot.rate ** 2 / slot.n;
    columns.squares[i] = slot.rate ** 2;
    observed[i] = count(h);
  }
  const sums = {
    mean: prefixSums(columns.mean),
    poissonError: prefixSums(columns.poissonError),
    dispersionError: prefixSums(columns.dispersionError),
    squares: prefixSums(columns.squares),
  };
  const sumObserved = prefixSums(observed);

  /** Moments of the window [a, b]; the last hour weighted by `partial` (its elapsed fraction). */
  const moments = (a: number, b: number, partial = 1): WindowMoments => {
    const i = a - start;
    const j = b - start;
    return {
      mean: rangeSum(sums.mean, i, j - 1) + partial * rangeSum(sums.mean, j, j),
      poissonError: rangeSum(sums.poissonError, i, j - 1) + partial ** 2 * rangeSum(sums.poissonError, j, j),
      dispersionError: rangeSum(sums.dispersionError, i, j - 1) + partial ** 2 * rangeSum(sums.dispersionError, j, j),
      squares: rangeSum(sums.squares, i, j - 1) + partial ** 2 * rangeSum(sums.squares, j, j),
    };
  };
  const dispersion = (hours: number, windowStart: number) => {
    const past: PastWindow[] = [];
    // Past windows of the same length that end before this one starts (no overlap with it).
    for (let end = Math.max(start + hours - 1, windowStart - DISPERSION_HOURS); end < windowStart; end++) {
      const m = moments(end - hours + 1, end);
      const observedCount = rangeSum(sumObserved, end - hours + 1 - start, end - start);
      past.push({ count: observedCount, mean: m.mean, poissonError: m.poissonError, dispersionError: m.dispersionError, squares: m.squares });
    }
    return estimateDispersion(past);
  };
  return { moments, dispersion };
}

function prefixSums(values: Float64Array): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) sums[i + 1] = sums[i]! + values[i]!;
  return sums;
}

/** Sum of the values at indices [i, j] from their prefix sums (0 when the range is empty). */
function rangeSum(sums: Float64Array, i: number, j: number): number {
  return j < i ? 0 : sums[j + 1]! - sums[i]!;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

/** The same hours of day (±NEIGHBOUR_HOURS) on past days, winsorised against past spikes. */
function slotData(count: (hour: number) => number, firstKnown: number, h: number, seasonDays: number): SlotData {
  const values: number[] = [];
  for (let d = 1; d <= seasonDays; d++) {
    for (let o = -NEIGHBOUR_HOURS; o <= NEIGHBOUR_HOURS; o++) {
      const x = h - 24 * d + o;
      if (x >= firstKnown) values.push(count(x));
    }
  }
  if (!values.length) return { sum: 0, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const mad = quantile(sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b), 0.5);
  const cap = median + SLOT_ROBUST_SDS * 1.4826 * mad + SLOT_SLACK;
  return { sum: values.reduce((acc, v) => acc + Math.min(v, cap), 0), n: values.length };
}

/** Expected count for an hour as the posterior mean of a Gamma(PRIOR_SHAPE, PRIOR_SHAPE / level) prior. */
function slotEstimate({ sum, n }: SlotData, level: number) {
  const shape = sum + PRIOR_SHAPE;
  return { rate: shape / (n + PRIOR_SHAPE / level), shape, n: Math.max(1, n) };
}

interface PastWindow extends WindowMoments {
  count: number;
}

/**
 * Method-of-moments φ from E[(C - M)² - C - poissonError] = φ·(M² + dispersionError) over past
 * windows, plus the prior; misses beyond CLIP_SIGMA standard deviations are winsorised, and the
 * estimate is iterated because the standard deviation depends on φ.
 */
function estimateDispersion(past: PastWindow[]): number {
  const estimate = (phi: number | null) => {
    let num = PRIOR_DISPERSION * PRIOR_DISPERSION_WEIGHT;
    let den = PRIOR_DISPERSION_WEIGHT;
    for (const w of past) {
      let squaredMiss = (w.count - w.mean) ** 2;
      if (phi !== null) {
        const variance = w.mean + phi * (w.mean ** 2 + w.dispersionError) + w.poissonError;
        squaredMiss = Math.min(squaredMiss, CLIP_SIGMA ** 2 * variance);
      }
      num += squaredMiss - w.count - w.poissonError;
      den += w.mean ** 2 + w.dispersionError;
    }
    return Math.min(MAX_DISPERSION, Math.max(MIN_DISPERSION, num / den));
  };
  return iterateToFixedPoint(estimate);
}

/** Smallest count k >= minCount with P(X >= k) <= maxPValue: what this window needed to alert. */
function alertThreshold(mean: number, dispersion: number, maxPValue: number, minCount: number): number {
  if (!Number.isFinite(mean) || mean < 0) throw new RangeError(`baseline must be a finite count >= 0, got ${mean}`);
  const alerting = (k: number) => k >= minCount && negativeBinomialUpperTail(k, mean, dispersion) <= maxPValue;
  let low = minCount - 1;
  let high = Math.max(minCount, Math.ceil(mean));
  while (!alerting(high)) {
    low = high;
    high *= 2;
  }
  // Invariant: alerting(high) and not alerting(low); the tail falls as k grows.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (alerting(mid)) high = mid;
    else low = mid;
  }
  return high;
}
