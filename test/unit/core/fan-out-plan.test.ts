// When a pass fans out and how its sources are split: poll.sourcesPerInvocation as a user writes it,
// the "auto" figure, and batches that cover every source once, in order, none over the limit.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/config/load.ts';
import { planBatches, sourcesPerInvocation } from '../../../lambdas/core/fan-out-plan.ts';

const base = {
  topics: [{ id: 'bosch-legacy', keywords: ['bosch legacy'] }],
  sources: [{ id: 'f', type: 'rss', url: 'https://example.org/feed', topics: ['bosch-legacy'] }],
};
const poll = (extra: object) => parseConfig({ ...base, poll: extra }, 'test').poll;

describe('poll.sourcesPerInvocation', () => {
  it('is "auto" by default: as many sources as one invocation polls when every one times out (8 at a time × 240 s / 20 s)', () => {
    expect(poll({}).sourcesPerInvocation).toBe('auto');
    expect(sourcesPerInvocation(poll({}))).toBe(96);
    expect(sourcesPerInvocation(poll({ concurrency: 16, timeoutMs: 60_000 }))).toBe(64);
    expect(sourcesPerInvocation(poll({ sourcesPerInvocation: 40 }))).toBe(40);
  });

  it('refuses anything but "auto" or a whole number from 1 to 10000, naming the field and the fix', () => {
    for (const bad of [0, 2.5, 'many', 10_001]) {
      expect(() => poll({ sourcesPerInvocation: bad })).toThrow(/poll\.sourcesPerInvocation.*must be "auto" or a whole number of sources from 1 to 10000, e\.g\. 100/s);
    }
  });
});

describe('planBatches', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

  it('keeps a campaign within one invocation whole (no batches), and splits a larger one evenly', () => {
    expect(planBatches('pass-1', ids(96), poll({}))).toBeNull();
    expect(planBatches('pass-1', ids(100), poll({}))!.map((b) => [b.passId, b.batch, b.sourceIds.length])).toEqual([
      ['pass-1', 0, 50],
      ['pass-1', 1, 50],
    ]);
  });

  it('covers every source exactly once, in order, in as few batches as the limit allows, none empty or over it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 200 }), (n, limit) => {
        const batches = planBatches('p', ids(n), poll({ sourcesPerInvocation: limit }));
        if (n <= limit) return batches === null;
        expect(batches!.flatMap((b) => b.sourceIds)).toEqual(ids(n));
        expect(batches!.map((b) => b.batch)).toEqual(batches!.map((_, i) => i));
        expect(batches!.length).toBe(Math.ceil(n / limit));
        for (const b of batches!) expect(b.sourceIds.length).toBeGreaterThan(0), expect(b.sourceIds.length).toBeLessThanOrEqual(limit);
        return true;
      }),
    );
  });
});
