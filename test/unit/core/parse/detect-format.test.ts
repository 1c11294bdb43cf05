import { describe, expect, it } from 'vitest';
import { detectFormat, withoutDoctype } from '../../../../lambdas/core/parse/detect-format.ts';

describe('detectFormat', () => {
  it('reads the root element past the declaration, comments, processing instructions and DOCTYPE', () => {
    const doc = `\ufeff<?xml version="1.0"?>
      <!-- generated -->
      <?xml-stylesheet href="feed.xsl" type="text/xsl"?>
      <!DOCTYPE rss [ <!-- a comment with a ] and a quote ' --> <!ENTITY a "]>"> ]>
      <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel/></rss>`;
    expect(detectFormat(doc)).toEqual({ kind: 'feed', format: 'rss', version: '2.0' });
  });

  it('accepts prefixed roots and any case', () => {
    expect(detectFormat('<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"/>')).toMatchObject({ format: 'atom', version: '1.0' });
    expect(detectFormat('<RDF:RDF xmlns:RDF="x"/>')).toMatchObject({ format: 'rdf' });
    expect(detectFormat("<RSS VERSION='0.91'></RSS>")).toMatchObject({ format: 'rss', version: '0.91' });
  });

  it('hands documents with junk before the root to the lenient parser', () => {
    expect(detectFormat('garbage<rss version="2.0"></rss>')).toEqual({ kind: 'unsure' });
    expect(detectFormat('<?xml version="1.0"?> oops <rss/>')).toEqual({ kind: 'unsure' });
  });
});

describe('withoutDoctype', () => {
  it('removes the DOCTYPE, internal subset and all, and nothing else', () => {
    const doc = '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n<rss><title>&x;</title></rss>';
    expect(withoutDoctype(doc)).toBe('<?xml version="1.0"?>\n\n<rss><title>&x;</title></rss>');
  });

  it('leaves documents without a DOCTYPE, and text mentioning one later, untouched', () => {
    const doc = '<rss><channel><description>&lt;!DOCTYPE html&gt;</description></channel></rss>';
    expect(withoutDoctype(doc)).toBe(doc);
  });
});
