// Entity names that are also Object.prototype's properties are unknown to the fast scan, like any
// other name outside its table: html-to-text (the reference) leaves them as written.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapseWhitespace, htmlToPlainText, parsedHtmlToText } from '../../../lambdas/core/normalise.ts';
import { plainHtmlText } from '../../../lambdas/core/plain-html.ts';

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).filter((name) => /^[A-Za-z][A-Za-z0-9]{1,31}$/.test(name));

describe('plainHtmlText and prototype names', () => {
  it('leaves every Object.prototype name to the full parser', () => {
    expect(prototypeNames).toContain('constructor');
    fc.assert(
      fc.property(fc.constantFrom(...prototypeNames), fc.constantFrom('', 'a ', '<p>x</p>'), (name, before) => {
        const html = `${before}&${name}; b`;
        expect(plainHtmlText(html)).toBeNull();
        expect(htmlToPlainText(html)).toBe(collapseWhitespace(parsedHtmlToText(html)));
      }),
    );
  });
});
