// Bytes → text before any parsing: feeds arrive in many encodings, and feedsmith takes a string.
// Precedence follows RFC 7303 §3 (XML media types): a byte-order mark, then the Content-Type
// charset, then the encoding in the XML declaration, then UTF-16/32 byte patterns, else UTF-8.

import { MIMEType } from 'node:util';

export interface DecodedBody {
  text: string;
  /** The encoding actually used to decode (a WHATWG name, or utf-32le/be; "text" when given a string). */
  encoding: string;
  /** Where the encoding came from. */
  source: 'bom' | 'content-type' | 'xml-declaration' | 'byte-pattern' | 'default';
}

type Utf32 = 'utf-32le' | 'utf-32be';

/** Decodes a fetched body to text. Never throws: unknown labels fall back to UTF-8, bad bytes become U+FFFD. */
export function decodeBody(body: Buffer | string, contentType?: string | null): DecodedBody {
  if (typeof body === 'string') {
    return { text: stripBom(body), encoding: 'text', source: 'default' };
  }
  const bytes = body;

  const bom = encodingFromBom(bytes);
  if (bom) return decodeAs(bytes, bom, 'bom');

  const declaredByHeader = charsetFromContentType(contentType);
  // A header that claims a 16/32-bit encoding for ASCII-compatible bytes is wrong; the bytes win.
  if (declaredByHeader && !(isWideEncoding(declaredByHeader) && looksAsciiCompatible(bytes))) {
    const decoded = tryDecode(bytes, declaredByHeader, 'content-type');
    if (decoded) return decoded;
  }

  const pattern = encodingFromBytePattern(bytes);
  if (pattern) return decodeAs(bytes, pattern, 'byte-pattern');

  const declaredInXml = xmlDeclarationEncoding(bytes);
  if (declaredInXml && !isWideEncoding(declaredInXml)) {
    const decoded = tryDecode(bytes, declaredInXml, 'xml-declaration');
    if (decoded) return decoded;
  }

  return decodeAs(bytes, 'utf-8', 'default');
}

function encodingFromBom(bytes: Buffer): string | Utf32 | null {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  // UTF-32LE's BOM starts with UTF-16LE's, so test it first.
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return 'utf-32le';
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return 'utf-32be';
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8';
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  return null;
}

/** XML spec appendix F: without a BOM, the first "<" (or "<?") still reveals the code unit width. */
function encodingFromBytePattern(bytes: Buffer): string | Utf32 | null {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0x00 && b3 === 0x3c) return 'utf-32be';
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x00 && b3 === 0x00) return 'utf-32le';
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00) return 'utf-16be';
  if (b0 === 0x3c && b1 === 0x00 && b3 === 0x00) return 'utf-16le';
  return null;
}

/** The charset parameter of a Content-Type header, or null when absent or unparseable. */
export function charsetFromContentType(contentType?: string | null): string | null {
  if (!contentType) return null;
  try {
    const charset = cleanLabel(new MIMEType(contentType.trim()).params.get('charset'));
    if (charset) return charset;
  } catch {
    // Not a valid MIME type; servers still mean something by it.
  }
  // Servers send `text/xml;charset = us-ascii` or `charset= 'us-ascii'`, which MIMEType rejects or
  // files under another name: read the parameter by hand too.
  for (const part of contentType.split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim().toLowerCase() === 'charset') return cleanLabel(part.slice(eq + 1));
  }
  return null;
}

/**
 * The `encoding` pseudo-attribute of an XML declaration (`<?xml version="1.0" encoding="big5"?>`).
 * The declaration is ASCII in every ASCII-compatible encoding, so the first bytes are read as latin1.
 */
export function xmlDeclarationEncoding(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 1024).toString('latin1');
  const start = head.indexOf('<?xml');
  if (start === -1 || head.slice(0, start).trim() !== '') return null;
  const end = head.indexOf('?>', start);
  if (end === -1) return null;
  const declaration = head.slice(start + 5, end);
  const at = declaration.indexOf('encoding');
  if (at === -1) return null;
  let i = at + 'encoding'.length;
  while (declaration[i] === ' ' || declaration[i] === '\t' || declaration[i] === '\r' || declaration[i] === '\n') i++;
  if (declaration[i] !== '=') return null;
  i++;
  while (declaration[i] === ' ' || declaration[i] === '\t' || declaration[i] === '\r' || declaration[i] === '\n') i++;
  const quote = declaration[i];
  if (quote !== '"' && quote !== "'") return null;
  const close = declaration.indexOf(quote, i + 1);
  return close === -1 ? null : cleanLabel(declaration.slice(i + 1, close));
}

function cleanLabel(label: string | undefined | null): string | null {
  if (!label) return null;
  let cleaned = label.trim();
  const first = cleaned[0];
  if ((first === '"' || first === "'") && cleaned.endsWith(first)) cleaned = cleaned.slice(1, -1).trim();
  return cleaned ? cleaned.toLowerCase() : null;
}

function isWideEncoding(label: string): boolean {
  return label.startsWith('utf-16') || label.startsWith('utf16') || label.startsWith('utf-32') || label.startsWith('ucs');
}

/** True when the document starts like ASCII text (no NUL in the first bytes). */
function looksAsciiCompatible(bytes: Buffer): boolean {
  return !bytes.subarray(0, 4).includes(0);
}

function tryDecode(bytes: Buffer, label: string, source: DecodedBody['source']): DecodedBody | null {
  const utf32 = utf32Label(label);
  if (utf32) return decodeAs(bytes, utf32, source);
  try {
    // Validates the label; the WHATWG names cover the legacy encodings feeds use (big5, euc-kr, windows-125x...).
    new TextDecoder(label);
  } catch {
    return null;
  }
  return decodeAs(bytes, label, source);
}

function utf32Label(label: string): Utf32 | null {
  if (label === 'utf-32be' || label === 'utf32be') return 'utf-32be';
  if (label === 'utf-32' || label === 'utf-32le' || label === 'utf32' || label === 'utf32le') return 'utf-32le';
  return null;
}

function decodeAs(bytes: Buffer, label: string, source: DecodedBody['source']): DecodedBody {
  if (label === 'utf-32le' || label === 'utf-32be') {
    return { text: stripBom(decodeUtf32(bytes, label === 'utf-32le')), encoding: label, source };
  }
  const decoder = new TextDecoder(label);
  // Buffer's UTF-8 decoder (simdutf) gives the same text, U+FFFD for bad bytes alike, several times faster.
  let text = decoder.encoding === 'utf-8' ? bytes.toString('utf8') : decoder.decode(bytes);
  // Node 20's TextDecoder decodes windows-1252 (and so us-ascii and iso-8859-1, its WHATWG aliases)
  // as plain latin1, leaving 0x80-0x9F as C1 controls instead of € ‚ “ ” ’ …; finish the job.
  if (decoder.encoding === 'windows-1252') text = windows1252Controls(text, false);
  return { text: stripBom(text), encoding: decoder.encoding, source };
}

// windows-1252's characters for bytes 0x80-0x9F, indexed from 0x80 (0 = unassigned in windows-1252).
const WINDOWS_1252_C1 = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/**
 * Maps C1 control characters (U+0080-U+009F) to the windows-1252 characters with those byte values;
 * unassigned ones are kept, or dropped when `dropUnassigned`.
 */
export function windows1252Controls(text: string, dropUnassigned: boolean): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => {
    const mapped = WINDOWS_1252_C1[c.charCodeAt(0) - 0x80];
    return mapped ? String.fromCharCode(mapped) : dropUnassigned ? '' : c;
  });
}

/** TextDecoder has no UTF-32 (WHATWG dropped it); it is simple enough to read by hand. */
function decodeUtf32(bytes: Buffer, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: string[] = [];
  let codePoints: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.byteLength; offset += 4) {
    const codePoint = view.getUint32(offset, littleEndian);
    codePoints.push(codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff) ? codePoint : 0xfffd);
    if (codePoints.length === 4096) {
      chunks.push(String.fromCodePoint(...codePoints));
      codePoints = [];
    }
  }
  chunks.push(String.fromCodePoint(...codePoints));
  return chunks.join('');
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
