// The fast HTML scan must give exactly the words html-to-text gives (with the selectors normalise.ts
// configures) wherever it answers, and must answer for the markup feeds are made of.

import { characterEntities } from 'character-entities';
import { characterEntitiesLegacy } from 'character-entities-legacy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapseWhitespace, htmlToPlainText, parsedHtmlToText } from '../../../lambdas/core/normalise.ts';
import { plainHtmlText } from '../../../lambdas/core/plain-html.ts';

const fast = (html: string) => {
  const text = plainHtmlText(html);
  return text === null ? null : collapseWhitespace(text);
};
const reference = (html: string) => collapseWhitespace(parsedHtmlToText(html));

describe('plainHtmlText', () => {
  it('reads a WordPress-style item body as html-to-text does', () => {
    const html = [
      '<p>Fans of <a href="https://news.example.com/tag/bosch-legacy/" title="a > b">Bosch: Legacy</a> are not letting go &#8212; &#8220;we see every post&#8221;.</p>',
      '<p><img src="https://news.example.com/img/1.jpg" alt="Harry Bosch" width="640" /></p>',
      '<p>In story #3, <em>fans</em> and <strong>critics</strong> weighed&nbsp;in &amp; signed.<br/>Next line</p>',
      '<ul><li>Season 1 is streaming</li><li>The petition has 1,013 signatures</li></ul><!-- more -->',
      '<h2>Cast</h2><blockquote><p>It&#x2019;s the best crime drama</p></blockquote><p>Read more &raquo;</p>',
    ].join('\n');
    const expected =
      'Fans of Bosch: Legacy are not letting go \u2014 \u201cwe see every post\u201d. In story #3, fans and critics weighed in & signed. Next line ' +
      'Season 1 is streaming The petition has 1,013 signatures Cast It\u2019s the best crime drama Read more \u00bb';
    expect(fast(html)).toBe(expected);
    expect(reference(html)).toBe(expected);
  });

  it('answers null for what it does not know, and htmlToPlainText then gives the full parser’s text', () => {
    const outside = [
      '<table><tr><td>Cast</td><td>Titus</td></tr></table>',
      'before<script>var x = "<p>";</script>after',
      '<iframe src="https://video.example/">no frames</iframe>',
      'an entity for a zero-width space: a&ZeroWidthSpace;b a&#8203;b',
      'a < b and 1<2',
      'mail <fan@example.com> here',
      'zero\u200bwidth',
      '<custom-element>x</custom-element>',
      '<p class=x "odd">quote in a name</p>',
      '<p unterminated',
      '<!-- unterminated comment',
      '<hr>',
    ];
    for (const html of outside) {
      expect(plainHtmlText(html), html).toBeNull();
      expect(htmlToPlainText(html), html).toBe(reference(html));
    }
  });

  it('decodes every named entity of HTML as html-to-text does', () => {
    const names = Object.keys(characterEntities);
    // The list is HTML's (WHATWG), kept apart from the decoder both readers share.
    expect(names).toHaveLength(2125);
    for (const name of names) {
      const html = `x&${name};y`;
      if (characterEntities[name] === '\u200b') continue;
      expect(fast(html), html).toBe(`x${characterEntities[name]}y`.replace(/\s+/g, ' ').trim());
      expect(reference(html), html).toBe(fast(html));
    }
  });

  it('decodes legacy entities without their semicolon, numbers and invalid numbers as html-to-text does', () => {
    expect(characterEntitiesLegacy).toHaveLength(106);
    for (const name of characterEntitiesLegacy) {
      for (const html of [`x &${name} y`, `x&${name}`, `<p>&${name}</p>`, `&${name}1`, `&${name}=`]) {
        expect(fast(html), html).not.toBeNull();
        expect(fast(html), html).toBe(reference(html));
      }
    }
    const examples: [string, string][] = [
      ['legacy &copy 2026 without its semicolon', 'legacy \u00a9 2026 without its semicolon'],
      ["I'm &notit; I tell you", "I'm \u00acit; I tell you"],
      ['&#150; a C1 number', '\u2013 a C1 number'],
      ['&hearts; a rarer entity', '\u2665 a rarer entity'],
      ['&#0; &#xD800; &#x110000; &#99999999999;', '\ufffd \ufffd \ufffd \ufffd'],
      ['&#39 no semicolon', "' no semicolon"],
      ['&constructor; &toString; &hasOwnProperty;', '&constructor; &toString; &hasOwnProperty;'],
    ];
    for (const [html, text] of examples) {
      expect(fast(html), html).toBe(text);
      expect(reference(html), html).toBe(text);
    }
    for (const html of ['&#39;', '&#x27;', '&#0039;', '&#128512;', '&#x1F600;', '&#160;', '&#xA0;x', 'Q & A', 'a &; b', 'fish & chips &amp; peas', '&#;', '&#x;', '&# 1', '&amp', '&AMP;']) {
      expect(fast(html), html).toBe(reference(html));
    }
  });

  // Fragments from the vocabulary the scan knows, with the things it must refuse mixed in.
  const word = fc.constantFrom('Bosch', 'legacy', 'petition', 'great', 'not', 'bad', ' ', '  ', '\n', '\t', '.', ',', '!', '"', "'", '>', '#3', 'caf\u00e9', '\u00a0');
  // Any entity: every name of HTML, with or without its semicolon and whatever follows it (a tag, a
  // word, `=`), names it does not have, and numbers of any size, in decimal or hex, with or without `;`.
  // `spaceless` leaves out those that stand for U+200B, which html-to-text reads as whitespace.
  const isZeroWidthSpace = (name: string) => characterEntities[name] === '\u200b';
  const anyEntity = (spaceless: boolean) => {
    const names = Object.keys(characterEntities).filter((n) => !(spaceless && isZeroWidthSpace(n)));
    const name = fc.oneof(fc.constantFrom(...names), fc.constantFrom(...characterEntitiesLegacy), fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,7}$/));
    const named = fc.tuple(name, fc.constantFrom(';', ';', '', '$', '=', '1', 'x', ' ')).map(([n, tail]) => `&${n}${tail}`);
    const codePoint = fc.oneof(
      fc.integer({ min: 0, max: 0x10ffff }),
      fc.integer({ min: 0, max: 0x2fff }),
      fc.constantFrom(0, 9, 10, 11, 12, 13, 0x7f, 0x80, 0x81, 0x8d, 0x92, 0x9f, 0xa0, 0xad, 0x200b, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfeff, 0xfffd, 0xfffe, 0x10ffff, 0x110000, 0xffffffff),
      fc.bigInt({ min: 0n, max: 10n ** 20n }),
    );
    const numeric = fc
      .tuple(codePoint, fc.constantFrom('#', '#x', '#X'), fc.constantFrom('', '0', '000'), fc.boolean(), fc.constantFrom(';', ';', '', ' ', 'g', '<b>'))
      .filter(([code]) => !(spaceless && Number(code) === 0x200b))
      .map(([code, base, zeros, upper, tail]) => {
        const digits = code.toString(base === '#' ? 10 : 16);
        return `&${base}${zeros}${upper ? digits.toUpperCase() : digits}${tail}`;
      });
    return fc.oneof(named, numeric, fc.constantFrom('&amp;', '&nbsp;', '&rsquo;', '&#8217;', ' & ', '&', '&#', '&#x', '&#;', '&;', '&&amp;'));
  };
  const entity = anyEntity(false);
  const tagName = fc.constantFrom('p', 'a', 'b', 'em', 'strong', 'span', 'i', 'br', 'div', 'li', 'ul', 'ol', 'h2', 'h3', 'blockquote', 'img', 'section', 'pre', 'code', 'sup', 'P', 'A', 'Br', 'table', 'td', 'figure', 'hr', 'script');
  const attribute = fc.constantFrom('', ' href="https://x.example/a?b=1&amp;c=2"', " title='a > b'", ' class=lead', ' alt="x" width="640"', ' /', ' data-x="<"');
  const tag = fc.tuple(fc.boolean(), tagName, attribute).map(([closing, name, attrs]) => (closing ? `</${name}>` : `<${name}${attrs}>`));
  const fragment = fc.array(fc.oneof(word, word, entity, tag, fc.constant('<!-- c -->')), { maxLength: 40 }).map((parts) => parts.join(''));

  it('never differs from html-to-text where it answers (random fragments)', () => {
    fc.assert(
      fc.property(fragment, (html) => {
        const answer = fast(html);
        return answer === null || answer === reference(html);
      }),
      { numRuns: 3000 },
    );
  });

  it('answers for every fragment made only of the common markup and any entity', () => {
    const commonTag = fc
      .tuple(fc.boolean(), fc.constantFrom('p', 'a', 'b', 'em', 'strong', 'span', 'br', 'div', 'ol', 'h2', 'blockquote', 'img'), fc.constantFrom('', ' href="https://x.example/"', " title='a > b'"))
      .map(([closing, name, attrs]) => (closing ? `</${name}>` : `<${name}${attrs}>`));
    // Entities of every kind: none sends the scan to the full parser but a zero-width space.
    const commonEntity = anyEntity(true);
    const inline = fc.array(fc.oneof(word, commonEntity, fc.constantFrom('<b>', '</b>', '<a href="/x">', '</a>', '<br>')), { maxLength: 8 }).map((parts) => parts.join(''));
    const list = fc.array(inline, { minLength: 1, maxLength: 4 }).map((items) => `<ul>\n${items.map((item) => `<li>${item}</li>`).join('\n')}\n</ul>`);
    const common = fc.array(fc.oneof(word, commonEntity, commonTag, list), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(fc.property(common, (html) => fast(html) !== null && fast(html) === reference(html)), { numRuns: 2000 });
  });
});
