import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeBody, xmlDeclarationEncoding } from '../../../../lambdas/core/parse/decode.ts';

const rss = (title: string) => `<rss version="2.0"><channel><title>${title}</title></channel></rss>`;

function utf16(text: string, littleEndian: boolean, bom: boolean): Buffer {
  const body = Buffer.from(text, 'utf16le');
  if (!littleEndian) body.swap16();
  const mark = littleEndian ? [0xff, 0xfe] : [0xfe, 0xff];
  return bom ? Buffer.concat([Buffer.from(mark), body]) : body;
}

function utf32le(text: string, bom: boolean): Buffer {
  const codePoints = [...(bom ? '\ufeff' : ''), ...text].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(codePoints.length * 4);
  codePoints.forEach((cp, i) => out.writeUInt32LE(cp, i * 4));
  return out;
}

describe('decodeBody', () => {
  it('reads UTF-8 by default and drops a UTF-8 byte-order mark', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss('Café'))]);
    expect(decodeBody(withBom)).toEqual({ text: rss('Café'), encoding: 'utf-8', source: 'bom' });
    expect(decodeBody(Buffer.from(rss('Café')))).toMatchObject({ text: rss('Café'), source: 'default' });
  });

  it('reads UTF-16 in both byte orders, with a BOM or from the shape of "<?xml"', () => {
    const doc = `<?xml version="1.0" encoding="utf-16"?>${rss('년 Straße')}`;
    expect(decodeBody(utf16(doc, true, true))).toMatchObject({ text: doc, encoding: 'utf-16le', source: 'bom' });
    expect(decodeBody(utf16(doc, false, true))).toMatchObject({ text: doc, encoding: 'utf-16be', source: 'bom' });
    expect(decodeBody(utf16(doc, true, false))).toMatchObject({ text: doc, encoding: 'utf-16le', source: 'byte-pattern' });
    expect(decodeBody(utf16(doc, false, false))).toMatchObject({ text: doc, encoding: 'utf-16be', source: 'byte-pattern' });
  });

  it('reads UTF-32, which TextDecoder does not support, including characters outside the BMP', () => {
    const doc = `<?xml version="1.0"?>${rss('🎬 Bosch')}`;
    expect(decodeBody(utf32le(doc, true))).toMatchObject({ text: doc, encoding: 'utf-32le', source: 'bom' });
    expect(decodeBody(utf32le(doc, false))).toMatchObject({ text: doc, encoding: 'utf-32le', source: 'byte-pattern' });
  });

  it('uses the encoding named in the XML declaration for legacy encodings', () => {
    const eucKr = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="euc-kr"?><rss><channel><title>'), Buffer.from([0xb3, 0xe2]), Buffer.from('</title></channel></rss>')]);
    expect(decodeBody(eucKr)).toMatchObject({ encoding: 'euc-kr', source: 'xml-declaration' });
    expect(decodeBody(eucKr).text).toContain('<title>년</title>');

    const big5 = Buffer.concat([Buffer.from("<?xml version='1.0' encoding='big5' ?><rss><channel><title>"), Buffer.from([0xa4, 0xa4, 0xa4, 0xe5]), Buffer.from('</title></channel></rss>')]);
    expect(decodeBody(big5).text).toContain('<title>中文</title>');
  });

  it('lets the Content-Type charset override the XML declaration (RFC 7303)', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss><channel><title>'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x92]), Buffer.from('</title></channel></rss>')]);
    const decoded = decodeBody(bytes, 'application/rss+xml; charset=windows-1252');
    expect(decoded).toMatchObject({ encoding: 'windows-1252', source: 'content-type' });
    expect(decoded.text).toContain('<title>Café ’</title>');
  });

  it('lets a byte-order mark override the Content-Type charset', () => {
    const doc = rss('Ωmega');
    expect(decodeBody(utf16(doc, true, true), 'text/xml; charset=iso-8859-1')).toMatchObject({ text: doc, source: 'bom' });
  });

  it('ignores a 16-bit charset claimed for ASCII-compatible bytes, and unknown labels', () => {
    const bytes = Buffer.from(rss('plain'));
    expect(decodeBody(bytes, 'text/xml; charset=utf-16')).toMatchObject({ text: rss('plain'), encoding: 'utf-8' });
    expect(decodeBody(bytes, 'text/xml; charset=klingon-8')).toMatchObject({ text: rss('plain'), encoding: 'utf-8' });
    const bogusDeclaration = Buffer.from(`<?xml version="1.0" encoding="x-bogus"?>${rss('Café')}`);
    expect(decodeBody(bogusDeclaration)).toMatchObject({ encoding: 'utf-8', source: 'default' });
  });

  it('decodes windows-1252 punctuation (and its aliases us-ascii, iso-8859-1) to the real characters', () => {
    const bytes = Buffer.from([0x93, 0x4e, 0x6f, 0x92, 0x94, 0x20, 0x80, 0x85, 0x20, 0xe9]);
    expect(decodeBody(bytes, 'text/plain; charset=windows-1252').text).toBe('“No’” €… é');
    expect(decodeBody(bytes, 'text/plain; charset=iso-8859-1').text).toBe('“No’” €… é');
    expect(decodeBody(bytes, 'text/plain; charset=us-ascii').text).toBe('“No’” €… é');
  });

  it('replaces invalid bytes instead of failing', () => {
    const bytes = Buffer.concat([Buffer.from('<rss><channel><title>Espa'), Buffer.from([0xf1]), Buffer.from('a</title></channel></rss>')]);
    expect(decodeBody(bytes).text).toContain('Espa\ufffda');
  });

  it('passes strings through, without a leading BOM', () => {
    expect(decodeBody(`\ufeff${rss('x')}`)).toMatchObject({ text: rss('x'), encoding: 'text' });
  });
});

describe('charsetFromContentType', () => {
  it('reads the charset parameter however servers quote and space it', () => {
    expect(charsetFromContentType('text/xml; charset=UTF-8')).toBe('utf-8');
    expect(charsetFromContentType('application/atom+xml;charset="us-ascii"')).toBe('us-ascii');
    expect(charsetFromContentType("application/rss+xml;charset= 'us-ascii'")).toBe('us-ascii');
    expect(charsetFromContentType('text/xml;charset = us-ascii')).toBe('us-ascii');
  });

  it('is null without a header or a charset', () => {
    expect(charsetFromContentType(null)).toBeNull();
    expect(charsetFromContentType('application/xml')).toBeNull();
    expect(charsetFromContentType('not a mime type at all')).toBeNull();
  });
});

describe('xmlDeclarationEncoding', () => {
  it('reads the encoding pseudo-attribute with either quote and any spacing', () => {
    expect(xmlDeclarationEncoding(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss/>'))).toBe('iso-8859-1');
    expect(xmlDeclarationEncoding(Buffer.from("<?xml version='1.0' encoding = 'big5' standalone='yes'?>"))).toBe('big5');
  });

  it('is null when there is no declaration, no encoding in it, or the declaration is not first', () => {
    expect(xmlDeclarationEncoding(Buffer.from('<rss/>'))).toBeNull();
    expect(xmlDeclarationEncoding(Buffer.from('<?xml version="1.0"?><rss/>'))).toBeNull();
    expect(xmlDeclarationEncoding(Buffer.from('<rss/><?xml version="1.0" encoding="big5"?>'))).toBeNull();
  });
});
