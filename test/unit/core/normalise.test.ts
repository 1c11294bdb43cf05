import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absoluteHttpUrl, canonicalLink } from '../../../lambdas/core/canonical-link.ts';
import { parseFeedDate, parseRfc822, parseW3cDtf } from '../../../lambdas/core/dates.ts';
import { NotAFeedError } from '../../../lambdas/core/errors.ts';
import {
  collapseWhitespace,
  dedupKeyFor,
  htmlToPlainText,
  itemBaseUrl,
  normaliseItem,
  readFeed,
  repairC1Controls,
  type NormaliseContext,
} from '../../../lambdas/core/normalise.ts';
import type { FeedItem } from '../../../lambdas/core/parse/feed-item.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

function item(overrides: Partial<FeedItem> = {}): FeedItem {
  return {
    title: null,
    links: [],
    guid: null,
    content: null,
    summary: null,
    author: null,
    published: null,
    updated: null,
    base: null,
    ...overrides,
  };
}

const context: NormaliseContext = {
  sourceId: 'fans',
  feedUrl: 'https://feeds.example.net/fans.xml',
  feed: { format: 'rss', link: 'https://fans.example.org/blog/', base: null },
};

describe('htmlToPlainText', () => {
  it('keeps the words and drops tags, link targets, images, scripts and styles', () => {
    const html = `<h1>Save Bosch</h1><p>Sign <a href="https://change.example/p">the petition</a>!<img src="x.png" alt="banner">
      <script>track()</script><style>p{color:red}</style></p><iframe src="v"></iframe>`;
    expect(htmlToPlainText(html)).toBe('Save Bosch Sign the petition!');
  });

  it('decodes entities and collapses whitespace and line structure to single spaces', () => {
    expect(htmlToPlainText('<p>Tom &amp; Jerry&nbsp;&mdash;\n\n  &#8220;classic&#8221;</p><br><p>Next</p>')).toBe('Tom & Jerry — “classic” Next');
  });

  it('keeps list items and table cells apart', () => {
    expect(htmlToPlainText('<ul><li>one</li><li>two</li></ul><table><tr><th>Cast</th><td>Titus</td></tr></table>')).toBe('one two Cast Titus');
  });

  it('leaves text that only looks like markup alone', () => {
    expect(htmlToPlainText('I <3 this show & a < b')).toBe('I <3 this show & a < b');
  });
});

describe('collapseWhitespace', () => {
  it('always makes every run of whitespace one space and trims the ends, on any text', () => {
    const piece = fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom(' ', '  ', '\n', '\t', ' \n ', '\u00a0', '\u2028', '\u3000', '\ufeff', 'a', 'b c'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        // The rule in its plainest form, against which the faster expression is held.
        expect(collapseWhitespace(text)).toBe(text.replace(/\s+/g, ' ').trim());
      }),
      { numRuns: 2000 },
    );
  });
});

describe('repairC1Controls', () => {
  it('maps windows-1252 code points stored as C1 controls back to punctuation', () => {
    expect(repairC1Controls('don\u0092t \u0093quote\u0094 \u0085 \u0080 \u0081')).toBe('don’t “quote” … € ');
  });
});

describe('normaliseItem: links', () => {
  it('resolves a relative RSS link against the channel link, not the feed URL', () => {
    expect(normaliseItem(item({ links: ['posts/1'] }), context).link).toBe('https://fans.example.org/blog/posts/1');
  });

  it('resolves against xml:base, the item base relative to the feed base', () => {
    const withBase: NormaliseContext = { ...context, feed: { format: 'atom', link: null, base: 'https://news.example.com/tv/' } };
    expect(normaliseItem(item({ links: ['a'] }), withBase).link).toBe('https://news.example.com/tv/a');
    expect(normaliseItem(item({ links: ['a'], base: '../radio/' }), withBase).link).toBe('https://news.example.com/radio/a');
    expect(itemBaseUrl({ base: '/x/' }, { ...withBase, feed: { format: 'atom', link: null, base: '/root/' } })).toBe('https://feeds.example.net/x/');
  });

  it('resolves Atom links without xml:base against the document URL (RFC 4287)', () => {
    const atom: NormaliseContext = { ...context, feed: { format: 'atom', link: 'https://site.example/', base: null } };
    expect(normaliseItem(item({ links: ['/e/1'] }), atom).link).toBe('https://feeds.example.net/e/1');
  });

  it('keeps only http(s) links, taking the first usable candidate', () => {
    expect(normaliseItem(item({ links: ['javascript:alert(1)', 'mailto:a@b.c', 'https://ok.example/'] }), context).link).toBe('https://ok.example/');
    expect(normaliseItem(item({ links: ['ftp://files.example/x', 'http://[bad'] }), context).link).toBeNull();
  });

  it('keeps absolute links when the feed location is a file path rather than a URL', () => {
    const local: NormaliseContext = { sourceId: 'inspect', feedUrl: './feed.xml' };
    expect(normaliseItem(item({ links: ['https://x.example/1'] }), local).link).toBe('https://x.example/1');
    expect(normaliseItem(item({ links: ['/relative'] }), local).link).toBeNull();
  });
});

describe('normaliseItem: ids and dedup keys', () => {
  it('uses the guid, else the link, else a hash of title and text', () => {
    expect(normaliseItem(item({ guid: 'g-1', links: ['https://x.example/1'] }), context).id).toBe('g-1');
    expect(normaliseItem(item({ links: ['https://x.example/1'] }), context).id).toBe('https://x.example/1');
    const hashed = normaliseItem(item({ title: { value: 'T', kind: 'text' }, summary: { value: '<b>B</b>', kind: 'html' } }), context);
    expect(hashed.id).toBe(sha('T\nB'));
  });

  it('gives the same dedup key to one story linked from two sources with different decorations', () => {
    const a = normaliseItem(item({ guid: 'a', links: ['http://News.Example.com:80/story/?utm_source=rss&id=7#comments'] }), { ...context, sourceId: 'one' });
    const b = normaliseItem(item({ guid: 'b', links: ['https://news.example.com/story?id=7&fbclid=xyz'] }), { ...context, sourceId: 'two' });
    expect(a.dedupKey).toBe(b.dedupKey);
    expect(a.dedupKey).toBe(sha('https://news.example.com/story?id=7'));
  });

  it('keys a linkless item by source and id, so equal guids in two sources stay apart', () => {
    const one = normaliseItem(item({ guid: 'same' }), { ...context, sourceId: 'one' });
    const two = normaliseItem(item({ guid: 'same' }), { ...context, sourceId: 'two' });
    expect(one.dedupKey).toBe(sha('one\nsame'));
    expect(one.dedupKey).not.toBe(two.dedupKey);
    expect(dedupKeyFor(null, 'one', 'same')).toBe(one.dedupKey);
  });
});

describe('normaliseItem: text, author and dates', () => {
  it('prefers content, falls back to the summary when the content has no text', () => {
    const onlyImage = item({ content: { value: '<p><img src="a.png"></p>', kind: 'html' }, summary: { value: 'The summary', kind: 'text' } });
    expect(normaliseItem(onlyImage, context).text).toBe('The summary');
  });

  it('uses the updated time when there is no published time, and null when neither parses', () => {
    expect(normaliseItem(item({ updated: '2025-04-01T10:00:00Z' }), context).published).toBe('2025-04-01T10:00:00.000Z');
    expect(normaliseItem(item({ published: 'sometime last week' }), context).published).toBeNull();
  });

  it('is pure: the same item gives the same post', () => {
    const input = item({ title: { value: 'x', kind: 'text' }, author: '  Jerry \n Edgar ' });
    expect(normaliseItem(input, context)).toEqual(normaliseItem(input, context));
    expect(normaliseItem(input, context).author).toBe('Jerry Edgar');
  });
});

describe('readFeed', () => {
  it('parses and normalises in one call', () => {
    const posts = readFeed(
      '<rss version="2.0"><channel><link>https://s.example/</link><item><title>Hi</title><link>/a</link></item><item></item></channel></rss>',
      'application/rss+xml',
      { sourceId: 's', feedUrl: 'https://s.example/feed' },
    );
    // The empty item has nothing to count and is dropped.
    expect(posts).toEqual([
      { sourceId: 's', id: 'https://s.example/a', dedupKey: sha('https://s.example/a'), link: 'https://s.example/a', author: null, title: 'Hi', text: '', published: null },
    ]);
  });

  it('throws NotAFeedError for a non-feed', () => {
    expect(() => readFeed('<html></html>', 'text/html', { sourceId: 's', feedUrl: 'https://s.example/' })).toThrow(NotAFeedError);
  });
});

describe('canonicalLink', () => {
  it('lower-cases scheme and host, folds http into https, drops default port, fragment and trailing slash', () => {
    expect(canonicalLink('HTTP://Example.COM:80/Path/?q=1#frag')).toBe('https://example.com/Path?q=1');
    expect(canonicalLink('https://example.com:443/')).toBe('https://example.com');
    expect(canonicalLink('https://example.com:8443/a/')).toBe('https://example.com:8443/a');
  });

  it('drops utm_*, fbclid, gclid and ref, and keeps other parameters in order', () => {
    expect(canonicalLink('https://e.example/a?b=2&utm_source=x&UTM_Medium=y&a=1&fbclid=f&gclid=g&ref=rss')).toBe('https://e.example/a?b=2&a=1');
    expect(canonicalLink('https://e.example/a?x=a%20b&utm_source=x')).toBe(canonicalLink('https://e.example/a?x=a%20b'));
  });

  it('leaves redirect links it cannot resolve offline as they are', () => {
    const google = 'https://news.google.com/rss/articles/CBMiK2h0dHBzOi8vZXhhbXBsZS5jb20vc3Rvcnk?oc=5';
    expect(canonicalLink(google)).toBe(google);
  });

  it('is null for anything but an absolute http(s) URL', () => {
    expect(canonicalLink(null)).toBeNull();
    expect(canonicalLink('/relative')).toBeNull();
    expect(canonicalLink('mailto:x@example.com')).toBeNull();
    expect(absoluteHttpUrl('/relative', 'https://base.example/dir/')).toBe('https://base.example/relative');
  });
});

describe('parseFeedDate', () => {
  it('reads RFC 822 dates with named zones, numeric offsets and 2-digit years', () => {
    expect(parseFeedDate('Sat, 12 Apr 2025 09:30:00 EDT')).toBe('2025-04-12T13:30:00.000Z');
    expect(parseFeedDate('Thu, 01 Jan 2004 19:48:21 GMT')).toBe('2004-01-01T19:48:21.000Z');
    expect(parseFeedDate('Mon, 26 January 2004 16:31:00 PST')).toBe('2004-01-27T00:31:00.000Z');
    expect(parseFeedDate('Wed, 19 Feb 2012 22:40:00 -01:01')).toBe('2012-02-19T23:41:00.000Z');
    expect(parseFeedDate('Wed, 19 Feb 2012 22:40:00 GMT-01:01')).toBe('2012-02-19T23:41:00.000Z');
    expect(parseFeedDate('Thu, 27 Mar 2025 18:00:00 +0100')).toBe('2025-03-27T17:00:00.000Z');
    expect(parseFeedDate('Thu, 01 Jan 04 19:48:21 UT')).toBe('2004-01-01T19:48:21.000Z');
    expect(parseFeedDate('1 Jan 99 00:00 Z')).toBe('1999-01-01T00:00:00.000Z');
    expect(parseFeedDate('Fri,24 Nov 2023 18:28:36 -0000')).toBe('2023-11-24T18:28:36.000Z');
    expect(parseFeedDate('Thu, 01 Jan 2004')).toBe('2004-01-01T00:00:00.000Z');
  });

  it('reads W3C-DTF / ISO 8601 with zones, fractions and reduced precision', () => {
    expect(parseFeedDate('2003-12-31T10:14:55Z')).toBe('2003-12-31T10:14:55.000Z');
    expect(parseFeedDate('2003-12-31T10:14:55-08:00')).toBe('2003-12-31T18:14:55.000Z');
    expect(parseFeedDate('2007-04-23T23:25:47.538+10:00')).toBe('2007-04-23T13:25:47.538Z');
    expect(parseFeedDate('2004-02-28T18:14:55-08:00')).toBe('2004-02-29T02:14:55.000Z');
    expect(parseFeedDate('2003-12-31')).toBe('2003-12-31T00:00:00.000Z');
    expect(parseFeedDate('2003-12')).toBe('2003-12-01T00:00:00.000Z');
    expect(parseFeedDate('2003')).toBe('2003-01-01T00:00:00.000Z');
    expect(parseFeedDate('2004-07-08 23:56:58 -00:20')).toBe('2004-07-09T00:16:58.000Z');
    expect(parseFeedDate('20031231T101455Z')).toBe('2003-12-31T10:14:55.000Z');
  });

  it('keeps years before 100 as written', () => {
    expect(parseRfc822('Thu, 01 Jan 0100 00:00:01 +0100')).toBe('0099-12-31T23:00:01.000Z');
  });

  it('reads a zone-less time as UTC, whatever the machine time zone', () => {
    expect(parseFeedDate('2004-07-08 23:56:58')).toBe('2004-07-08T23:56:58.000Z');
    expect(parseFeedDate('Sun Jan  4 16:29:06 2004')).toBe('2004-01-04T16:29:06.000Z');
  });

  it('returns null for missing, impossible or trailing-garbage dates', () => {
    for (const bad of [null, undefined, '', '   ', 'yesterday', '2003-12-31T25:14:55Z', '2003-02-29', '2013-01-28T11:30:00-06:00Textra',
      '9999-12-31T23:59:59-99:99', 'Sun, 99 Jun 2009 12:00:00 GMT', 'Sun, 16 Dec 2012 1:2:3:4 GMT', 'Sun, 16 Dec 2012 11:47:32 +zz:00']) {
      expect(parseFeedDate(bad)).toBeNull();
    }
    expect(parseW3cDtf('Thu, 01 Jan 2004 19:48:21 GMT')).toBeNull();
  });
});
