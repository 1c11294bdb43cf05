// The beta-binomial upper tail, for a share that varies more than a coin would: k successes of n
// when the success probability itself is Beta(alpha, beta). With alpha + beta → ∞ it is binomial.

import { logGamma } from './negative-binomial.ts';

const logBeta = (a: number, b: number) => logGamma(a) + logGamma(b) - logGamma(a + b);

function check(n: number, alpha: number, beta: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`beta-binomial needs a whole n >= 0, got ${n}`);
  if (!(alpha > 0) || !(beta > 0) || !Number.isFinite(alpha) || !Number.isFinite(beta)) {
    throw new RangeError(`beta-binomial needs finite alpha, beta > 0, got alpha=${alpha}, beta=${beta}`);
  }
}

/**
 * P(K >= k) for every k from `from` to n (index k - from), K ~ BetaBinomial(n, alpha, beta), in
 * one pass: the terms by the ratio P(k+1)/P(k) in log space, then summed from the top so a tiny
 * tail keeps its relative precision. A window's posts are thousands at most, so O(n) is cheap.
 */
export function betaBinomialUpperTails(from: number, n: number, alpha: number, beta: number): Float64Array {
  check(n, alpha, beta);
  const start = Math.max(0, Math.ceil(from));
  if (start > n) return new Float64Array(0);
  const logs = new Float64Array(n - start + 1);
  let log =
    logGamma(n + 1) - logGamma(start + 1) - logGamma(n - start + 1) + logBeta(start + alpha, n - start + beta) - logBeta(alpha, beta);
  for (let k = start; k <= n; k++) {
    logs[k - start] = log;
    log += Math.log(n - k) - Math.log(k + 1) + Math.log(k + alpha) - Math.log(n - k - 1 + beta);
  }
  const tails = new Float64Array(logs.length);
  let top = -Infinity;
  let scaled = 0; // Σ exp(logs[j] - top) over the terms summed so far
  for (let i = logs.length - 1; i >= 0; i--) {
    const l = logs[i]!;
    if (l > top) {
      scaled = scaled * Math.exp(top - l) + 1;
      top = l;
    } else {
      scaled += Math.exp(l - top);
    }
    tails[i] = Math.min(1, Math.exp(top) * scaled);
  }
  return tails;
}
