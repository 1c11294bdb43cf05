// The negative-binomial upper tail, for over-dispersed counts (variance = mean + dispersion·mean²).
// Written out here rather than pulled from a package: it is one continued fraction and a log-gamma.

// Lanczos approximation (g = 7, n = 9): about 15 significant digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  // Reflection keeps the series in its accurate range for small x.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const TINY = 1e-300;
const EPSILON = 1e-15;

/** Continued fraction for I_x(a, b) (modified Lentz); converges fast when x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  // Iterations grow like sqrt(max(a, b)); tweet-volume counts (~1e5) need a few hundred.
  const maxIterations = 10_000 + Math.ceil(10 * Math.sqrt(Math.max(a, b)));
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) return h;
  }
  throw new RangeError(`incomplete beta did not converge for a=${a}, b=${b}, x=${x}`);
}

/**
 * Regularised incomplete beta I_x(a, b). `complement` is 1 - x, passed separately when the caller
 * has it exactly (x near 1 loses digits in 1 - x).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, complement = 1 - x): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incomplete beta needs a, b > 0, got a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta needs 0 <= x <= 1, got ${x}`);
  if (x === 0) return 0;
  if (complement === 0) return 1;
  const logFront = a * Math.log(x) + b * Math.log(complement) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  // Evaluate the small side directly so a tiny tail keeps its relative precision.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, complement)) / b;
}

/**
 * P(X >= k) for a negative binomial with the given mean and dispersion φ (variance = mean + φ·mean²;
 * φ → 0 is Poisson). Uses P(X >= k) = I_q(k, r) with r = 1/φ and q = mean / (mean + r).
 */
export function negativeBinomialUpperTail(k: number, mean: number, dispersion: number): number {
  if (!Number.isFinite(k) || !Number.isFinite(mean) || !Number.isFinite(dispersion)) {
    throw new RangeError(`negative binomial tail needs finite numbers, got k=${k}, mean=${mean}, dispersion=${dispersion}`);
  }
  if (mean < 0 || dispersion < 0) throw new RangeError(`mean and dispersion must be >= 0, got ${mean}, ${dispersion}`);
  const atLeast = Math.ceil(k);
  if (atLeast <= 0) return 1;
  if (mean === 0) return 0;
  // Below 1e-10 the distribution is Poisson to double precision; the floor keeps r finite.
  const size = 1 / Math.max(dispersion, 1e-10);
  return regularizedIncompleteBeta(mean / (mean + size), atLeast, size, size / (mean + size));
}
