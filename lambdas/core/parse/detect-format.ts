// Which parser a document needs, decided by its root element (XML) or its shape (JSON).
// feedsmith's own detection looks for e.g. "<rss " anywhere in the text, so an Atom feed quoting
// RSS markup in CDATA, or an HTML page embedding a feed sample, would go to the wrong parser.
// The root element is what the document says it is; we only fall back to feedsmith's detection
// when the prolog cannot be read (junk before the root), where its leniency can still recover.

import { detectJsonFeed } from 'feedsmith';

export type FeedFormat = 'rss' | 'rdf' | 'atom' | 'json';

export type Detection =
  | { kind: 'feed'; format: FeedFormat; version: string | null; json?: unknown }
  /** XML-ish text whose root could not be read: let the lenient parser try. */
  | { kind: 'unsure' }
  | { kind: 'not-a-feed'; reason: string };

const ATOM_10_NS = 'http://www.w3.org/2005/atom';
const ATOM_03_NS = 'http://purl.org/atom/ns#';
const RSS_10_NS = 'http://purl.org/rss/1.0/';
const RSS_090_NS = 'http://my.netscape.com/rdf/simple/0.9/';

export function detectFormat(text: string): Detection {
  const start = skipWhitespace(text, 0);
  if (start >= text.length) return { kind: 'not-a-feed', reason: 'the document is empty' };

  const first = text[start];
  if (first === '{' || first === '[') return detectJson(text);
  if (first !== '<') {
    return looksLikeXmlSomewhere(text) ? { kind: 'unsure' } : { kind: 'not-a-feed', reason: 'looks like plain text, not XML or JSON' };
  }

  // The root element decides, not the DOCTYPE: feeds are served with stray XHTML doctypes.
  const root = readRoot(text, start);
  if (!root) return { kind: 'unsure' };

  const local = localName(root.name);
  const tag = root.startTag.toLowerCase();
  switch (local) {
    case 'rss':
      return { kind: 'feed', format: 'rss', version: attribute(root.startTag, 'version') };
    case 'feed': {
      const version = tag.includes(ATOM_10_NS) ? '1.0' : tag.includes(ATOM_03_NS) ? '0.3' : attribute(root.startTag, 'version');
      return { kind: 'feed', format: 'atom', version };
    }
    case 'rdf': {
      const version = tag.includes(RSS_10_NS) ? '1.0' : tag.includes(RSS_090_NS) ? '0.90' : null;
      return { kind: 'feed', format: 'rdf', version };
    }
    case 'html':
    case 'head':
    case 'body':
      return { kind: 'not-a-feed', reason: 'looks like an HTML page' };
    case 'opml':
      return { kind: 'not-a-feed', reason: 'an OPML subscription list, not a feed' };
    default:
      return { kind: 'not-a-feed', reason: `XML with root element <${root.name}>, not RSS, RDF or Atom` };
  }
}

function detectJson(text: string): Detection {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'not-a-feed', reason: 'looks like JSON but does not parse' };
  }
  if (!detectJsonFeed(json)) {
    return { kind: 'not-a-feed', reason: 'JSON, but not a JSON Feed (no jsonfeed.org version, title and items)' };
  }
  const declared = (json as { version?: unknown }).version;
  const version = typeof declared === 'string' ? declared.slice(declared.lastIndexOf('/') + 1) || null : null;
  return { kind: 'feed', format: 'json', version, json };
}

interface Root {
  name: string;
  /** The root's start tag, from "<" to ">", for reading its attributes. */
  startTag: string;
  /** Where a DOCTYPE declaration sits in the prolog, [start, end), if there is one. */
  doctype: [number, number] | null;
}

/**
 * Walks the prolog (XML declaration, processing instructions, comments, DOCTYPE) to the root start
 * tag. Returns null when the prolog is not what XML allows.
 */
function readRoot(text: string, from: number): Root | null {
  let i = from;
  let doctype: Root['doctype'] = null;
  for (;;) {
    i = skipWhitespace(text, i);
    if (text[i] !== '<') return null;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) return null;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) return null;
      i = end + 3;
    } else if (text.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      const end = doctypeEnd(text, i + 9);
      if (end === -1) return null;
      doctype = [i, end + 1];
      i = end + 1;
    } else {
      let end = i + 1;
      while (end < text.length && isNameChar(text[end])) end++;
      const name = text.slice(i + 1, end);
      if (!name) return null;
      const close = text.indexOf('>', end);
      if (close === -1) return null;
      return { name, startTag: text.slice(i, close + 1), doctype };
    }
  }
}

/**
 * The text without its DOCTYPE declaration. Nothing downstream uses a DTD (feedsmith never expands
 * declared entities), and the DOCTYPE is the only door for external entities (XXE) and entity
 * expansion bombs, so it is removed before parsing. This also lets documents whose DTD the XML
 * parser rejects (parameter entities, external entity declarations) be read at all.
 */
export function withoutDoctype(text: string): string {
  const start = skipWhitespace(text, 0);
  if (text[start] !== '<') return text;
  const root = readRoot(text, start);
  if (!root?.doctype) return text;
  const [from, to] = root.doctype;
  return text.slice(0, from) + text.slice(to);
}

/** Index of the ">" closing a DOCTYPE, skipping quoted literals, comments and the [internal subset]. */
function doctypeEnd(text: string, from: number): number {
  let quote: string | null = null;
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '<' && text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) return -1;
      i = end + 2;
    } else if (c === '[') {
      depth++;
    } else if (c === ']') {
      depth--;
    } else if (c === '>' && depth <= 0) {
      return i;
    }
  }
  return -1;
}

/** A root start tag's attribute value (case-insensitive name), unescaped only for the common case. */
function attribute(startTag: string, wanted: string): string | null {
  let i = startTag.indexOf(' ');
  if (i === -1) return null;
  while (i < startTag.length) {
    i = skipWhitespace(startTag, i);
    let end = i;
    while (end < startTag.length && isNameChar(startTag[end])) end++;
    if (end === i) return null;
    const name = startTag.slice(i, end).toLowerCase();
    i = skipWhitespace(startTag, end);
    if (startTag[i] !== '=') return null;
    i = skipWhitespace(startTag, i + 1);
    const quote = startTag[i];
    if (quote !== '"' && quote !== "'") return null;
    const close = startTag.indexOf(quote, i + 1);
    if (close === -1) return null;
    if (name === wanted) return startTag.slice(i + 1, close).trim() || null;
    i = close + 1;
  }
  return null;
}

function looksLikeXmlSomewhere(text: string): boolean {
  return text.includes('<') && text.includes('>');
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1).toLowerCase();
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r' || text[i] === '\ufeff')) i++;
  return i;
}

function isNameChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '>' || c === '/' || c === '=' || c === '<') return false;
  return c !== '"' && c !== "'";
}
