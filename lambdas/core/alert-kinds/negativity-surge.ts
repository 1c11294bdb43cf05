// The negativity surge: the share of negative posts in the recent window far above the topic's own
// usual share, on enough posts. Pure: time comes in as `now`, history as hourly counts.
//
// The model:
// - Window: every hourly bucket that overlaps the last `windowHours` hours before `now` (the same
//   windows as the spike detector; a share needs no pro-rating of the partial hour).
// - Usual share p: negative / posts over the `historyDays` before the window, with half a
//   negative post of prior (Jeffreys) so a spotless history does not make one post a surge.
// - Spread: shares vary more than a coin's (a thread turns sour, one angry poster), so the window's
//   negative count is beta-binomial with intra-window correlation ρ: Var = n·p·q·(1 + (n-1)·ρ). ρ is
//   estimated by moments from the past windows of the same length, each miss winsorised at
//   CLIP_SIGMA standard deviations (a past surge raises the bar but cannot set it alone), with a
//   weak prior; the uncertainty of p itself is added on top.
// - Decision: a surge when the window has at least `minPosts` posts (the floor), its share is at
//   least p + `minShareRise`, and P(K >= negatives) <= `maxPValue`. No daily cycle: the share of
//   negative posts moves far less with the hour than their number does.

import type { AlertsConfig, NegativitySurgeSettings } from '../../config/alerts-schema.ts';
import { allPosts } from '../bucket-counts.ts';
import { betaBinomialUpperTails } from '../stats/beta-binomial.ts';
import { iterateToFixedPoint } from '../stats/fixed-point.ts';
import { HOUR_MS } from '../time.ts';
import type { SpikeWindow, TrendBucket } from '../types.ts';
import type { AlertRule } from './rule.ts';

/** Posts and negative posts in one UTC clock hour. */
export interface HourlyShare {
  /** Epoch ms of the start of the hour. */
  hourStart: number;
  posts: number;
  negative: number;
}

/** Below this many posts of history the usual share is a guess: no verdict. */
const MIN_HISTORY_POSTS = 30;
/** Prior ρ and its weight (in units of Σ n(n-1)·p·q): decisive only when past windows hold a post or two. */
const PRIOR_CORRELATION = 0.02;
const PRIOR_WEIGHT = 50;
const MIN_CORRELATION = 1e-4;
const MAX_CORRELATION = 0.5;
/** A past miss counts as at most this many standard deviations. */
const CLIP_SIGMA = 8;

export interface NegativityVerdict {
  windowStart: number;
  windowEnd: number;
  posts: number;
  /** Negative posts in the window. */
  count: number;
  share: number;
  usualShare: number;
  /** Negative posts expected in the window at the usual share. */
  baseline: number;
  /** Smallest negative count that would have alerted (posts + 1 when none could). */
  threshold: number;
  pValue: number;
  /** ρ used (the estimate plus the uncertainty of the usual share). */
  correlation: number;
  historyPosts: number;
}

export type NegativityDetection =
  | ({ status: 'surge' | 'normal' } & NegativityVerdict)
  | { status: 'insufficient-data'; reason: string; windowStart: number; windowEnd: number; posts: number; count: number };

/** A replayed surge, in the shape `fanpulse detect` prints. */
export interface NegativityFinding extends SpikeWindow {
  posts: number;
  share: number;
  usualShare: number;
}

type HourIndex = Map<number, { posts: number; negative: number }>;

function index(series: readonly HourlyShare[]): HourIndex {
  const byHour: HourIndex = new Map();
  for (const { hourStart, posts, negative } of series) {
    if (!Number.isFinite(hourStart) || !Number.isSafeInteger(posts) || !Number.isSafeInteger(negative) || negative < 0 || negative > posts) {
      throw new RangeError(`hourly shares need whole counts with 0 <= negative <= posts at finite times, got ${negative}/${posts} at ${hourStart}`);
    }
    const hour = Math.floor(hourStart / HOUR_MS);
    const held = byHour.get(hour) ?? { posts: 0, negative: 0 };
    byHour.set(hour, { posts: held.posts + posts, negative: held.negative + negative });
  }
  return byHour;
}

/** Tests the window ending at `now` (epoch ms) against the topic's own history. No cooldown here. */
export function detectNegativitySurge(series: readonly HourlyShare[], now: number, settings: NegativitySurgeSettings): NegativityDetection {
  return evaluate(index(series), now, settings);
}

/** Hours of buckets before `now` the test reads. */
const negativityLookbackHours = (settings: NegativitySurgeSettings) => settings.historyDays * 24 + settings.windowHours + 1;

/** Replays the test as hourly passes would have run it, skipping passes inside the cooldown after a surge. */
export function backtestNegativity(series: readonly HourlyShare[], settings: NegativitySurgeSettings): NegativityFinding[] {
  const byHour = index(series);
  if (byHour.size === 0) return [];
  const hours = [...byHour.keys()];
  const first = Math.min(...hours);
  const last = Math.max(...hours);
  const findings: NegativityFinding[] = [];
  let quietUntil = -Infinity;
  for (let hour = first; hour <= last; hour++) {
    const now = (hour + 1) * HOUR_MS;
    if (now < quietUntil) continue;
    const detection = evaluate(byHour, now, settings);
    if (detection.status !== 'surge') continue;
    const { windowStart, windowEnd, count, posts, share, usualShare, baseline, threshold, pValue } = detection;
    findings.push({ windowStart: new Date(windowStart).toISOString(), windowEnd: new Date(windowEnd).toISOString(), count, posts, share, usualShare, baseline, threshold, pValue });
    quietUntil = now + settings.cooldownHours * HOUR_MS;
  }
  return findings;
}

/** Null when `alerts.negativitySurge.enabled` is false. */
export function negativitySurgeRule(alerts: AlertsConfig): AlertRule | null {
  const settings = alerts.negativitySurge;
  if (!settings.enabled) return null;
  return {
    kind: 'negativity-surge',
    lookbackHours: negativityLookbackHours(settings),
    // Its count is the window's negative posts; the sentiment shown is of all the window's posts.
    counted: allPosts,
    cooldownHours: settings.cooldownHours,
    evaluate(buckets: readonly TrendBucket[], now: number) {
      const series = buckets.map((b) => ({ hourStart: Date.parse(b.bucketStart), posts: b.posts, negative: b.negative }));
      const detection = detectNegativitySurge(series, now, settings);
      if (detection.status !== 'surge') return null;
      const { windowStart, windowEnd, count, baseline, threshold, pValue } = detection;
      return { windowStart, windowEnd, count, baseline, threshold, pValue };
    },
  };
}

function evaluate(byHour: HourIndex, now: number, settings: NegativitySurgeSettings): NegativityDetection {
  if (!Number.isFinite(now)) throw new RangeError(`now must be epoch milliseconds, got ${now}`);
  const w = settings.windowHours;
  const lastHour = Math.floor((now - 1) / HOUR_MS);
  const start = Math.floor((now - w * HOUR_MS) / HOUR_MS);
  const sum = (from: number, to: number) => {
    let posts = 0;
    let negative = 0;
    for (let h = from; h <= to; h++) {
      const bucket = byHour.get(h);
      if (bucket) {
        posts += bucket.posts;
        negative += bucket.negative;
      }
    }
    return { posts, negative };
  };
  const window = sum(start, lastHour);
  const historyFrom = start - settings.historyDays * 24;
  const history = sum(historyFrom, start - 1);
  const base = { windowStart: start * HOUR_MS, windowEnd: now, posts: window.posts, count: window.negative };
  if (history.posts < MIN_HISTORY_POSTS) {
    return { status: 'insufficient-data', reason: `only ${history.posts} posts in the ${settings.historyDays} days before the window; the usual share needs ${MIN_HISTORY_POSTS}`, ...base };
  }
  if (window.posts < settings.minPosts) {
    return { status: 'insufficient-data', reason: `only ${window.posts} posts in the window; the floor is minPosts = ${settings.minPosts}`, ...base };
  }

  const p = (history.negative + 0.5) / (history.posts + 1);
  // Past windows of the same length, back to back before this one: how much the share wanders.
  const past: { posts: number; negative: number }[] = [];
  for (let end = start - 1; end - w + 1 >= historyFrom; end -= w) past.push(sum(end - w + 1, end));
  const rho = estimateCorrelation(past, p);
  // The usual share is itself estimated: Var(p̂)/(p·q) = Σ n_i(1 + (n_i - 1)ρ) / N².
  const estimation = past.reduce((acc, x) => acc + x.posts * (1 + (x.posts - 1) * rho), 0) / history.posts ** 2;
  const correlation = Math.min(MAX_CORRELATION, rho + estimation);
  const concentration = 1 / correlation - 1;
  const n = window.posts;
  const lowest = Math.max(0, Math.ceil(n * (p + settings.minShareRise) - 1e-9));
  const from = Math.min(lowest, window.negative);
  const tails = betaBinomialUpperTails(from, n, p * concentration, (1 - p) * concentration);
  const tail = (k: number) => (k > n ? 0 : tails[k - from]!);
  let threshold = n + 1;
  while (threshold - 1 >= lowest && tail(threshold - 1) <= settings.maxPValue) threshold--;
  const pValue = tail(window.negative);
  return {
    status: window.negative >= threshold ? 'surge' : 'normal',
    ...base,
    share: window.negative / n,
    usualShare: p,
    baseline: n * p,
    threshold,
    pValue,
    correlation,
    historyPosts: history.posts,
  };
}

/**
 * Method-of-moments ρ from E[(k - n·p)² - n·p·q] = ρ·n(n-1)·p·q over past windows, plus the prior;
 * misses beyond CLIP_SIGMA standard deviations are winsorised, iterated because the SD depends on ρ.
 */
function estimateCorrelation(past: readonly { posts: number; negative: number }[], p: number): number {
  const pq = p * (1 - p);
  const estimate = (rho: number | null) => {
    let num = PRIOR_CORRELATION * PRIOR_WEIGHT;
    let den = PRIOR_WEIGHT;
    for (const { posts: n, negative: k } of past) {
      if (n < 2) continue;
      let squaredMiss = (k - n * p) ** 2;
      if (rho !== null) squaredMiss = Math.min(squaredMiss, CLIP_SIGMA ** 2 * n * pq * (1 + (n - 1) * rho));
      num += squaredMiss - n * pq;
      den += n * (n - 1) * pq;
    }
    return Math.min(MAX_CORRELATION, Math.max(MIN_CORRELATION, num / den));
  };
  return iterateToFixedPoint(estimate);
}
