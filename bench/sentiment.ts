// Sentiment scorer vs plain `sentiment` on the VADER tweet ground truth (Hutto & Gilbert 2014):
// 3-class accuracy, macro-F1, Pearson r against the human mean, throughput on one thread, and
// what each rule of lambdas/core/score.ts adds (the scorer with that rule switched off).

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import Sentiment from 'sentiment';
import { ALL_RULES, createScorer, scoreText, type ScoringRules } from '../lambdas/core/score.ts';
import type { SentimentLabel } from '../lambdas/core/types.ts';
import { referencePath } from './reference.ts';

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

function accuracy(rows: Rated[], scored: Scored[]): number {
  return rows.filter((row, i) => scored[i]!.label === row.label).length / rows.length;
}

function macroF1(rows: Rated[], scored: Scored[]): number {
  let total = 0;
  for (const label of LABELS) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    rows.forEach((row, i) => {
      const predicted = scored[i]!.label;
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

/** Median texts/s over a few full passes, after one warm-up pass for the JIT. */
function throughput(texts: string[], score: (text: string) => unknown, passes = 7): number {
  let sink = 0;
  for (const text of texts) if (score(text) !== undefined) sink++;
  const rates: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const start = performance.now();
    for (const text of texts) if (score(text) !== undefined) sink++;
    rates.push(texts.length / ((performance.now() - start) / 1000));
  }
  if (sink === 0) throw new Error('scorer returned nothing');
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

interface Figures {
  accuracy: number;
  macroF1: number;
  rScore: number;
  rComparative: number;
}

function measure(rows: Rated[], score: (text: string) => Scored): Figures {
  const scored = rows.map((row) => score(row.text));
  const means = rows.map((row) => row.mean);
  return {
    accuracy: accuracy(rows, scored),
    macroF1: macroF1(rows, scored),
    rScore: pearson(scored.map((s) => s.score), means),
    rComparative: pearson(scored.map((s) => s.comparative), means),
  };
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number, digits: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

export async function main(): Promise<void> {
  const path = referencePath('sentiment', 'tweets_GroundTruth.txt');
  if (path === null) return;
  const rows = readGroundTruth(path);
  const texts = rows.map((row) => row.text);

  // Plain `sentiment` with its own label rule: score > 0 positive, < 0 negative, else neutral.
  const plainAnalyzer = new Sentiment();
  const plain = (text: string): Scored => {
    const { score, comparative } = plainAnalyzer.analyze(text);
    return { score, comparative, label: score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral' };
  };

  console.log(`  VADER tweet ground truth: ${rows.length} texts; human mean ≥ 0.5 positive, ≤ −0.5 negative`);
  console.log('  scorer              accuracy  macro-F1  r(score)  r(comparative)  texts/s');
  for (const [name, score] of [['sentiment (plain)', plain], ['scoreText', scoreText]] as const) {
    const f = measure(rows, score);
    const rate = throughput(texts, score);
    console.log(
      `  ${name.padEnd(18)}  ${percent(f.accuracy).padStart(8)}  ${f.macroF1.toFixed(3).padStart(8)}  ` +
        `${f.rScore.toFixed(3).padStart(8)}  ${f.rComparative.toFixed(3).padStart(14)}  ${Math.round(rate).toLocaleString('en-US').padStart(7)}`,
    );
  }

  // The label rule alone: the same scores cut three ways.
  const scores = rows.map((row) => scoreText(row.text));
  console.log('\n  label rule on scoreText\'s score          accuracy  macro-F1');
  const cuts: [string, number, number][] = [
    ['> 0 positive, < 0 negative', 0, 0],
    ['> 1 positive, < -1 negative', 1, -1],
    ['> 1 positive, < 0 negative (scoreText)', 1, 0],
  ];
  for (const [name, above, below] of cuts) {
    const relabelled = scores.map((s): Scored => ({ ...s, label: s.score > above ? 'positive' : s.score < below ? 'negative' : 'neutral' }));
    console.log(`  ${name.padEnd(39)}  ${percent(accuracy(rows, relabelled)).padStart(8)}  ${macroF1(rows, relabelled).toFixed(3).padStart(8)}`);
  }

  const full = measure(rows, scoreText);
  console.log('\n  what each rule adds: scoreText minus scoreText without it');
  console.log('  rule                accuracy           macro-F1  r(score)');
  for (const rule of Object.keys(ALL_RULES) as (keyof ScoringRules)[]) {
    const f = measure(rows, createScorer({ ...ALL_RULES, [rule]: false }));
    const texts = Math.round((full.accuracy - f.accuracy) * rows.length);
    console.log(
      `  ${rule.padEnd(18)}  ${signed((full.accuracy - f.accuracy) * 100, 2).padStart(6)}% ${`(${signed(texts, 0)} texts)`.padStart(12)}` +
        `  ${signed(full.macroF1 - f.macroF1, 3).padStart(8)}  ${signed(full.rScore - f.rScore, 3).padStart(8)}`,
    );
  }
}
