// Entity names that are also Object.prototype's properties are no entities: the fast scan leaves
// them as written, as html-to-text (the reference) does.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapseWhitespace, parsedHtmlToText } from '../../../lambdas/core/normalise.ts';
import { plainHtmlText } from '../../../lambdas/core/plain-html.ts';

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).filter((name) => /^[A-Za-z][A-Za-z0-9]{1,31}$/.test(name));

describe('plainHtmlText and prototype names', () => {
  it('leaves every Object.prototype name as written', () => {
    expect(prototypeNames).toContain('constructor');
    fc.assert(
      fc.property(fc.constantFrom(...prototypeNames), fc.constantFrom('', 'a ', '<p>x</p>'), (name, before) => {
        const html = `${before}&${name}; b`;
        const text = plainHtmlText(html);
        expect(text).not.toBeNull();
        expect(collapseWhitespace(text!)).toBe(collapseWhitespace(`${before.replace('<p>x</p>', ' x ')}&${name}; b`));
        expect(collapseWhitespace(text!)).toBe(collapseWhitespace(parsedHtmlToText(html)));
      }),
    );
  });
});
