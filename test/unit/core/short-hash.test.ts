import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shortHash } from '../../../lambdas/core/normalise.ts';

describe('shortHash', () => {
  it('is the first 32 hex digits of the UTF-8 text’s sha256, on any text (lone surrogates too)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(shortHash(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32));
      }),
      { numRuns: 2000 },
    );
  });
});
