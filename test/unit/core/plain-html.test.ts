// The fast HTML scan must give exactly the words html-to-text gives (with the selectors normalise.ts
// configures) wherever it answers, and must answer for the markup feeds are made of.

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
      'legacy &copy 2026 without its semicolon',
      '&#150; a C1 number',
      '&hearts; a rarer entity',
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

  it('decodes the entities it knows as html-to-text does', () => {
    const names = ['amp', 'lt', 'gt', 'quot', 'apos', 'nbsp', 'shy', 'hellip', 'mdash', 'ndash', 'minus', 'lsquo', 'rsquo', 'sbquo', 'ldquo', 'rdquo', 'bdquo', 'laquo', 'raquo', 'lsaquo', 'rsaquo', 'prime', 'Prime', 'copy', 'reg', 'trade', 'middot', 'bull', 'deg', 'times', 'euro', 'pound', 'cent', 'yen', 'sect', 'para', 'iexcl', 'iquest', 'aacute', 'agrave', 'acirc', 'auml', 'atilde', 'aring', 'ccedil', 'eacute', 'egrave', 'ecirc', 'euml', 'iacute', 'icirc', 'iuml', 'ntilde', 'oacute', 'ocirc', 'ouml', 'otilde', 'oslash', 'uacute', 'ugrave', 'ucirc', 'uuml', 'szlig', 'Aacute', 'Eacute', 'Oacute', 'Ouml', 'Uuml', 'Auml'];
    for (const name of names) {
      const html = `x&${name};y`;
      expect(fast(html), html).not.toBeNull();
      expect(fast(html), html).toBe(reference(html));
    }
    for (const html of ['&#39;', '&#x27;', '&#0039;', '&#128512;', '&#x1F600;', '&#160;', '&#xA0;x', 'Q & A', 'a &; b', 'fish & chips &amp; peas']) {
      expect(fast(html), html).toBe(reference(html));
    }
  });

  // Fragments from the vocabulary the scan knows, with the things it must refuse mixed in.
  const word = fc.constantFrom('Bosch', 'legacy', 'petition', 'great', 'not', 'bad', ' ', '  ', '\n', '\t', '.', ',', '!', '"', "'", '>', '#3', 'caf\u00e9', '\u00a0');
  const entity = fc.constantFrom('&amp;', '&lt;', '&gt;', '&quot;', '&nbsp;', '&rsquo;', '&#8217;', '&#x2014;', '&#39;', '&hellip;', '&eacute;', ' & ', '&copy', '&hearts;', '&#150;', '&x;');
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

  it('answers for every fragment made only of the common markup', () => {
    const commonTag = fc
      .tuple(fc.boolean(), fc.constantFrom('p', 'a', 'b', 'em', 'strong', 'span', 'br', 'div', 'ol', 'h2', 'blockquote', 'img'), fc.constantFrom('', ' href="https://x.example/"', " title='a > b'"))
      .map(([closing, name, attrs]) => (closing ? `</${name}>` : `<${name}${attrs}>`));
    const commonEntity = fc.constantFrom('&amp;', '&nbsp;', '&rsquo;', '&#8217;', '&#x2014;', '&hellip;');
    const inline = fc.array(fc.oneof(word, commonEntity, fc.constantFrom('<b>', '</b>', '<a href="/x">', '</a>', '<br>')), { maxLength: 8 }).map((parts) => parts.join(''));
    const list = fc.array(inline, { minLength: 1, maxLength: 4 }).map((items) => `<ul>\n${items.map((item) => `<li>${item}</li>`).join('\n')}\n</ul>`);
    const common = fc.array(fc.oneof(word, commonEntity, commonTag, list), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(fc.property(common, (html) => fast(html) !== null && fast(html) === reference(html)), { numRuns: 2000 });
  });
});
