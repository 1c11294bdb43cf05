import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { MalformedError, parseRssFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotAFeedError } from '../../../../lambdas/core/errors.ts';
import { normaliseFeed } from '../../../../lambdas/core/normalise.ts';
import { parseFeed } from '../../../../lambdas/core/parse/parse-feed.ts';
import { startTestServer, type TestServer } from '../../../helpers/http-server.ts';

const fixture = (name: string) => readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/feeds', name));

function notAFeedMessage(body: Buffer | string, contentType?: string): string {
  try {
    parseFeed(body, contentType);
  } catch (error) {
    expect(error).toBeInstanceOf(NotAFeedError);
    return (error as Error).message;
  }
  throw new Error('expected NotAFeedError, but the document parsed');
}

describe('parseFeed: format detection', () => {
  it('reads each flavour with its own parser and reports format and version', () => {
    const cases: [string, string, string | null][] = [
      ['<rss version="0.92"><channel><title>t</title></channel></rss>', 'rss', '0.92'],
      ['<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>t</title></channel></rdf:RDF>', 'rdf', '0.90'],
      ['<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', 'atom', '1.0'],
      ['<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title></feed>', 'atom', '0.3'],
      ['{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[]}', 'json', '1.1'],
    ];
    for (const [doc, format, version] of cases) {
      expect(parseFeed(doc)).toMatchObject({ format, version, title: 't' });
    }
  });

  it('goes by the root element, so an Atom entry quoting RSS markup stays Atom', () => {
    const atom = `<?xml version="1.0"?>
      <feed xmlns="http://www.w3.org/2005/Atom"><title>Snippets</title>
        <entry><id>1</id><title>How to write a feed</title>
          <content type="html"><![CDATA[<pre><rss version="2.0"><channel></channel></rss></pre>]]></content>
        </entry>
      </feed>`;
    const feed = parseFeed(atom);
    expect(feed.format).toBe('atom');
    expect(feed.items).toHaveLength(1);
  });

  it('reads a feed served with a stray XHTML DOCTYPE (the root decides, not the doctype)', () => {
    const doc = `<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://site.invalid/">
      <rss><channel><title>found</title></channel></rss>`;
    expect(parseFeed(doc).title).toBe('found');
  });

  it('reads an RSS 1.0 feed whose DOCTYPE uses parameter entities the XML parser refuses', () => {
    const doc = `<?xml version="1.0"?>
      <!DOCTYPE rdf:RDF [ <!ENTITY % HTMLlat1 PUBLIC "-//W3C//ENTITIES Latin 1 for XHTML//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent"> %HTMLlat1; ]>
      <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
        <channel rdf:about="http://x/"><title>Caf&eacute;</title><link>http://x/</link></channel>
        <item rdf:about="http://x/1"><title>one</title><link>http://x/1</link></item>
      </rdf:RDF>`;
    const feed = parseFeed(doc);
    expect(feed).toMatchObject({ format: 'rdf', title: 'Café' });
    expect(feed.items).toHaveLength(1);
  });

  it('treats a feed root with nothing the parser knows as an empty feed, not an error', () => {
    expect(parseFeed('<rss version="2.0"></rss>')).toMatchObject({ format: 'rss', version: '2.0', items: [] });
    expect(parseFeed('<feed xmlns="http://www.w3.org/2005/Atom"></feed>')).toMatchObject({ format: 'atom', items: [] });
  });

  it('recovers the complete items of a body cut off mid-tag', () => {
    const cut = '<rss version="2.0"><channel><title>t</title><item><title>a</title></item><item><title>b</title></ite';
    expect(parseFeed(cut).items.map((item) => item.title?.value)).toEqual(['a', 'b']);
  });
});

describe('parseFeed: RSS items', () => {
  it('takes a guid as the link only when it is an absolute URL and not marked isPermaLink="false"', () => {
    const doc = `<rss version="2.0"><channel><title>t</title>
      <item><title>a</title><guid>https://x.example/a</guid></item>
      <item><title>b</title><guid>post-b</guid></item>
      <item><title>c</title><guid isPermaLink="false">https://x.example/c</guid></item>
    </channel></rss>`;
    expect(parseFeed(doc).items.map((item) => item.links)).toEqual([['https://x.example/a'], [], []]);
  });

  it('prefers an author name from dc:creator over a bare e-mail in <author>', () => {
    const doc = `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
      <item><title>a</title><author>desk@example.org</author><dc:creator>Lt. Grace Billets</dc:creator></item>
      <item><title>b</title><author>desk@example.org</author></item>
    </channel></rss>`;
    expect(parseFeed(doc).items.map((item) => item.author)).toEqual(['Lt. Grace Billets', 'desk@example.org']);
  });
});

describe('parseFeed: documents that are not feeds', () => {
  it('names what the document looks like', () => {
    expect(notAFeedMessage('')).toBe('not a feed: the document is empty');
    expect(notAFeedMessage(Buffer.alloc(0))).toBe('not a feed: the document is empty');
    expect(notAFeedMessage('  \n\t ')).toBe('not a feed: the document is empty');
    expect(notAFeedMessage('<!doctype html><html><body>Moved</body></html>')).toBe('not a feed: looks like an HTML page');
    expect(notAFeedMessage('<html><head><title>x</title></head><body><rss>x</rss></body></html>')).toBe('not a feed: looks like an HTML page');
    expect(notAFeedMessage('404 page not found')).toBe('not a feed: looks like plain text, not XML or JSON');
    expect(notAFeedMessage('{"error":"rate limited"}')).toContain('not a JSON Feed');
    expect(notAFeedMessage('[1,2,3]')).toContain('not a JSON Feed');
    expect(notAFeedMessage('{"version": "https://jsonfeed.org/version/1.1", "title": ')).toBe('not a feed: looks like JSON but does not parse');
    expect(notAFeedMessage('<opml version="2.0"><body/></opml>')).toBe('not a feed: an OPML subscription list, not a feed');
    expect(notAFeedMessage('<?xml version="1.0"?><sitemap><url/></sitemap>')).toBe('not a feed: XML with root element <sitemap>, not RSS, RDF or Atom');
  });

  it('rejects XML it cannot recover with a NotAFeedError that keeps the parser error as cause', () => {
    let caught: unknown;
    try {
      parseFeed(fixture('malformed.xml'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotAFeedError);
    expect((caught as NotAFeedError).message).toMatch(/^not a feed: the RSS is not well-formed XML/);
    expect((caught as NotAFeedError).cause).toBeInstanceOf(MalformedError);
  });

  it('never throws anything but NotAFeedError, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseFeed(Buffer.from(bytes));
        } catch (error) {
          return error instanceof NotAFeedError;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but NotAFeedError for any prefix or mangling of a real feed', () => {
    const docs = ['rss2.xml', 'rdf.xml', 'atom10.xml', 'atom03.xml', 'jsonfeed11.json'].map((name) => fixture(name).toString('utf8'));
    fc.assert(
      fc.property(fc.constantFrom(...docs), fc.nat(), fc.nat(), fc.string({ maxLength: 5 }), (doc, cut, at, junk) => {
        const prefix = doc.slice(0, cut % (doc.length + 1));
        const position = at % (prefix.length + 1);
        const mangled = prefix.slice(0, position) + junk + prefix.slice(position);
        try {
          normaliseFeed(parseFeed(mangled), { sourceId: 's', feedUrl: 'https://example.org/feed' });
        } catch (error) {
          return error instanceof NotAFeedError;
        }
        return true;
      }),
      { numRuns: 400 },
    );
  });
});

describe('parseFeed: XML entity attacks', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      '/ping': (_req, res) => void res.writeHead(200).end('pong'),
      '/evil.dtd': (_req, res) => void res.writeHead(200).end('<!ENTITY leaked "LEAKED">'),
      '/secret': (_req, res) => void res.writeHead(200).end('LEAKED'),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('never reads a file named by an external entity', () => {
    const feed = parseFeed(fixture('xxe.xml'));
    expect(feed.items[0]?.title?.value).toBe('Hello &passwd;');
    expect(JSON.stringify(feed)).not.toContain('root:');
  });

  it('never fetches an external entity, external DTD or parameter entity', async () => {
    const doc = `<?xml version="1.0"?>
      <!DOCTYPE rss SYSTEM "${server.url}/evil.dtd" [
        <!ENTITY remote SYSTEM "${server.url}/secret">
        <!ENTITY % param SYSTEM "${server.url}/evil.dtd">
        %param;
      ]>
      <rss version="2.0"><channel><title>t</title>
        <item><title>&remote; &leaked;</title><link>https://x.example/1</link></item>
      </channel></rss>`;
    const feed = parseFeed(doc);
    expect(feed.items[0]?.title?.value).toBe('&remote; &leaked;');
    // Any request the parser had started would reach the server before this one.
    await fetch(`${server.url}/ping`);
    expect(server.requests.map((request) => request.path)).toEqual(['/ping']);
  });

  it('never expands nested entities (billion laughs): output stays smaller than the input', () => {
    const body = fixture('billion-laughs.xml');
    const feed = parseFeed(body);
    expect(feed.items[0]?.title?.value).toBe('&lol9;');
    expect(JSON.stringify(feed).length).toBeLessThan(body.length);
  });

  it('never repeats a large entity (quadratic blow-up)', () => {
    const big = 'x'.repeat(50_000);
    const refs = '&big;'.repeat(10_000);
    const doc = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "${big}">]><rss version="2.0"><channel><title>t</title><item><title>${refs}</title></item></channel></rss>`;
    const feed = parseFeed(doc);
    expect(feed.items[0]?.title?.value).toBe(refs);
  });

  // Our DOCTYPE removal is the first layer; these pin the second, so an upgrade of feedsmith or
  // fast-xml-parser that changes it fails here rather than in production.
  it('relies on a feedsmith that neither expands declared entities nor accepts external ones', () => {
    const laughs = fixture('billion-laughs.xml').toString('utf8');
    expect(parseRssFeed(laughs).items?.[0]?.title).toBe('&lol9;');
    const xxe = fixture('xxe.xml').toString('utf8');
    expect(() => parseRssFeed(xxe)).toThrow(MalformedError);
  });
});
