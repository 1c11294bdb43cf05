// Sentiment scorer vs plain `sentiment` and VADER on VADER's four human-rated ground-truth sets
// (Hutto & Gilbert 2014): tweets, movie-review snippets, Amazon product-review snippets and NYT
// editorial snippets. 3-class accuracy, macro-F1, Pearson r against the human mean, throughput on
// one thread (per second of CPU time), the label cut on every set (the shipped one marked), and what each rule of
// lambdas/core/score.ts adds on each set (the scorer with that rule switched off).
//
// The tweets are in ../shared/reference/sentiment. The other three sets come from the same
// archive (github.com/cjhutto/vaderSentiment, additional_resources/hutto_ICWSM_2014.tar.gz) and are
// not copied into shared/reference: unpack it anywhere and point FANPULSE_VADER_GROUND_TRUTH at the
// hutto_ICWSM_2014 folder; without them the bench says so and measures the tweets alone.

import { readFileSync } from 'node:fs';
import Sentiment from 'sentiment';
import { ALL_RULES, createScorer, labelFor, scoreText, type ScoringRules } from '../lambdas/core/score.ts';
import type { SentimentLabel } from '../lambdas/core/types.ts';
import { optionalReferencePath, referencePath } from './reference.ts';

interface Rated {
  mean: number;
  text: string;
  label: SentimentLabel;
}

interface Scored {
  score: number;
  comparative: number;
  label: SentimentLabel;
}

interface Figures {
  accuracy: number;
  macroF1: number;
  rScore: number;
}

interface DataSet {
  name: string;
  file: string;
  /**
   * VADER on this set, measured once with the `vader-sentiment` npm package 1.1.3 (not a
   * dependency of ours), compound > 0.05 positive, < −0.05 negative, on Node 20: the tweet figures
   * match ../shared/reference/sentiment/README.md.
   */
  vader: Figures;
}

const DATA_SETS: DataSet[] = [
  { name: 'tweets', file: 'tweets_GroundTruth.txt', vader: { accuracy: 0.83, macroF1: 0.706, rScore: 0.879 } },
  { name: 'movie reviews', file: 'movieReviewSnippets_GroundTruth.txt', vader: { accuracy: 0.542, macroF1: 0.42, rScore: 0.418 } },
  { name: 'product reviews', file: 'amazonReviewSnippets_GroundTruth.txt', vader: { accuracy: 0.588, macroF1: 0.551, rScore: 0.572 } },
  { name: 'NYT editorials', file: 'nytEditorialSnippets_GroundTruth.txt', vader: { accuracy: 0.555, macroF1: 0.554, rScore: 0.492 } },
];

const TWEET_TARGET = 0.83;
const THROUGHPUT_TARGET = 50_000;
const GROUND_TRUTH_ENV = 'FANPULSE_VADER_GROUND_TRUTH';

const LABELS: SentimentLabel[] = ['positive', 'negative', 'neutral'];

/** `ID<TAB>mean<TAB>text` lines, CRLF; the data set's own 3-class cut is mean ≥ 0.5 / ≤ −0.5. */
function readGroundTruth(path: string): Rated[] {
  const rows: Rated[] = [];
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [, meanField, ...textParts] = line.split('\t');
    const mean = Number(meanField);
    if (!Number.isFinite(mean)) throw new Error(`bad rating in line: ${line.slice(0, 80)}`);
    rows.push({ mean, text: textParts.join('\t'), label: mean >= 0.5 ? 'positive' : mean <= -0.5 ? 'negative' : 'neutral' });
  }
  return rows;
}

function accuracy(rows: Rated[], labels: SentimentLabel[]): number {
  return rows.filter((row, i) => labels[i] === row.label).length / rows.length;
}

function macroF1(rows: Rated[], labels: SentimentLabel[]): number {
  let total = 0;
  for (const label of LABELS) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    rows.forEach((row, i) => {
      const predicted = labels[i];
      if (predicted === label && row.label === label) tp++;
      else if (predicted === label) fp++;
      else if (row.label === label) fn++;
    });
    total += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return total / LABELS.length;
}

function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Texts per second of this process's CPU time (user + system), the median of a few passes of
 * several rounds each, after warm-up passes for the JIT. CPU time, not wall time: on a shared
 * machine the wall clock counts the time other processes held the core.
 */
function throughput(texts: string[], score: (text: string) => unknown, passes = 7, rounds = 5): number {
  let sink = 0;
  for (let warm = 0; warm < 3; warm++) for (const text of texts) if (score(text) !== undefined) sink++;
  const rates: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const start = process.cpuUsage();
    for (let round = 0; round < rounds; round++) for (const text of texts) if (score(text) !== undefined) sink++;
    const used = process.cpuUsage(start);
    rates.push((texts.length * rounds) / ((used.user + used.system) / 1e6));
  }
  if (sink === 0) throw new Error('scorer returned nothing');
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

function measure(rows: Rated[], score: (text: string) => Scored): Figures {
  const scored = rows.map((row) => score(row.text));
  const labels = scored.map((s) => s.label);
  return {
    accuracy: accuracy(rows, labels),
    macroF1: macroF1(rows, labels),
    rScore: pearson(scored.map((s) => s.score), rows.map((row) => row.mean)),
  };
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number, digits: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT MET');

interface Loaded extends DataSet {
  rows: Rated[];
}

function load(): Loaded[] {
  const loaded: Loaded[] = [];
  for (const set of DATA_SETS) {
    const path = set.name === 'tweets' ? referencePath('sentiment', set.file) : optionalReferencePath(['sentiment', set.file], GROUND_TRUTH_ENV);
    if (path !== null) loaded.push({ ...set, rows: readGroundTruth(path) });
  }
  return loaded;
}

export async function main(): Promise<void> {
  const sets = load();
  if (sets.length === 0) return;

  // Plain `sentiment` with its own label rule: score > 0 positive, < 0 negative, else neutral.
  const plainAnalyzer = new Sentiment();
  const plain = (text: string): Scored => {
    const { score, comparative } = plainAnalyzer.analyze(text);
    return { score, comparative, label: score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral' };
  };

  console.log('  Human mean ≥ 0.5 positive, ≤ −0.5 negative, else neutral. VADER: vader-sentiment 1.1.3, measured once (not a dependency).');
  console.log('  set               n       scorer              accuracy  macro-F1  r(score)');
  const targets: string[] = [];
  const results = new Map<string, Figures>();
  for (const set of sets) {
    const p = measure(set.rows, plain);
    const ours = measure(set.rows, scoreText);
    results.set(set.name, ours);
    const line = (name: string, f: Figures) =>
      `  ${set.name.padEnd(16)}  ${String(set.rows.length).padStart(6)}  ${name.padEnd(18)}  ${percent(f.accuracy).padStart(8)}  ${f.macroF1.toFixed(3).padStart(8)}  ${f.rScore.toFixed(3).padStart(8)}`;
    console.log(line('sentiment (plain)', p));
    console.log(line('VADER (published)', set.vader));
    console.log(line('scoreText', ours));
    if (set.name === 'tweets') {
      targets.push(`tweets accuracy ≥ ${percent(TWEET_TARGET)}: ${percent(ours.accuracy)} ${verdict(ours.accuracy >= TWEET_TARGET)}`);
    } else {
      const bar = Math.max(p.accuracy, set.vader.accuracy);
      const barF1 = Math.max(p.macroF1, set.vader.macroF1);
      targets.push(
        `${set.name} accuracy ≥ both (${percent(bar)}): ${percent(ours.accuracy)} ${verdict(ours.accuracy >= bar)}; ` +
          `macro-F1 ≥ both (${barF1.toFixed(3)}): ${ours.macroF1.toFixed(3)} ${verdict(ours.macroF1 >= barF1)}`,
      );
    }
  }

  const tweets = sets.find((s) => s.name === 'tweets') ?? sets[0]!;
  const texts = tweets.rows.map((row) => row.text);
  const plainRate = throughput(texts, plain);
  const rate = throughput(texts, scoreText);
  const perSecond = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(
    `\n  throughput on the ${tweets.name}, one thread, per second of CPU time: scoreText ${perSecond(rate)} texts/s ` +
      `(target ≥ ${perSecond(THROUGHPUT_TARGET)}: ${verdict(rate >= THROUGHPUT_TARGET)}; plain sentiment ${perSecond(plainRate)})`,
  );
  targets.push(`throughput ≥ ${perSecond(THROUGHPUT_TARGET)} texts/s of CPU time: ${perSecond(rate)} ${verdict(rate >= THROUGHPUT_TARGET)}`);

  // The label cut: the same scores cut several ways, on every set (the shipped cut is chosen on all of them).
  const scores = sets.map((set) => set.rows.map((row) => scoreText(row.text).score));
  console.log(`\n  label cut on scoreText's score: accuracy per set (macro-F1)`);
  console.log(`  ${'positive above / negative below'.padEnd(32)}${sets.map((s) => s.name.padStart(18)).join('')}${'mean'.padStart(18)}`);
  const cuts = [[0, 0], [0.25, 0], [0.5, 0], [0.75, 0], [1, 0], [0.5, -0.5], [1, -1], [1.5, -0.5], [2, -1], [2, -2]] as const;
  for (const [above, below] of cuts) {
    const cells = sets.map((set, k) => {
      const labels = scores[k]!.map((s): SentimentLabel => (s > above ? 'positive' : s < below ? 'negative' : 'neutral'));
      return [accuracy(set.rows, labels), macroF1(set.rows, labels)] as const;
    });
    const mean = (i: 0 | 1) => cells.reduce((a, c) => a + c[i], 0) / cells.length;
    const cell = ([a, f]: readonly [number, number]) => `${percent(a)} (${f.toFixed(3)})`.padStart(18);
    const shipped = labelFor(above + 1e-9) === 'positive' && labelFor(above) !== 'positive' && labelFor(below - 1e-9) === 'negative' && labelFor(below) !== 'negative';
    console.log(`  ${`> ${above} / < ${below}${shipped ? ' (scoreText)' : ''}`.padEnd(32)}${cells.map(cell).join('')}${cell([mean(0), mean(1)])}`);
  }

  console.log('\n  what each rule adds: accuracy of scoreText minus scoreText without it, in texts (and macro-F1)');
  console.log(`  ${'rule'.padEnd(18)}${sets.map((s) => s.name.padStart(20)).join('')}`);
  for (const rule of Object.keys(ALL_RULES) as (keyof ScoringRules)[]) {
    const without = createScorer({ ...ALL_RULES, [rule]: false });
    const cells = sets.map((set) => {
      const full = results.get(set.name)!;
      const f = measure(set.rows, without);
      const gained = Math.round((full.accuracy - f.accuracy) * set.rows.length);
      return `${signed(gained, 0)} (${signed(full.macroF1 - f.macroF1, 3)})`.padStart(20);
    });
    console.log(`  ${rule.padEnd(18)}${cells.join('')}`);
  }

  console.log('\n  targets:');
  for (const line of targets) console.log(`  - ${line}`);
}
