// A moment estimate whose own value sets how far a past miss may count: the detectors winsorise each
// miss at a number of standard deviations, and the standard deviation depends on the estimate
// (φ for counts, ρ for shares). So: estimate once unclipped, then again with the last estimate's
// clip, until it settles.

/** Rounds after which the last estimate stands, settled or not. */
const MAX_ROUNDS = 20;
/** Settled: a round moved the estimate by less than this fraction of itself. */
const RELATIVE_TOLERANCE = 1e-6;

/** `estimate(null)` is the unclipped estimate; `estimate(x)` clips with the spread that `x` implies. */
export function iterateToFixedPoint(estimate: (previous: number | null) => number): number {
  let value = estimate(null);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = estimate(value);
    if (Math.abs(next - value) < RELATIVE_TOLERANCE * value) return next;
    value = next;
  }
  return value;
}
