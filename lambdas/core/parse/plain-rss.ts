// A fast reader for the common RSS 2.0 / 0.9x document, on htmlparser2's streaming tokenizer: it fills
// the subset of feedsmith's `RssFeed` that adapters/rss.ts reads, so the adapter's rules stay the only
// rules. Anything it does not handle with certainty returns null, and parse-feed.ts uses feedsmith
// (as plain-html.ts does for htmlToPlainText): a namespace it does not map by URI, an element in an item
// it does not know, xml:base or an xmlns below the root, malformed nesting, a stray '<' in text.
//
// Values are read as feedsmith reads them: fast-xml-parser keeps a stop node's inner text raw, then
// feedsmith's parseString drops comments, unwraps CDATA, decodes HTML entities outside CDATA with
// `entities` (the same package, so `&nbsp;`, `&#8217;` and a bare `&amp` decode alike) and trims.
// test/unit/core/parse/plain-rss.test.ts holds the two to the same output.

import { decodeHTML } from 'entities';
import type { RssFeed } from 'feedsmith';
import { Parser } from 'htmlparser2';

type Feed = RssFeed.Feed<string>;
type Item = RssFeed.Item<string>;
type Link = NonNullable<NonNullable<Item['atom']>['links']>[number];

// feedsmith's URIs for the namespaces read here (its namespaceUris, not exported), compared lowercased.
const NAMESPACES: Record<string, string[]> = {
  atom: ['http://www.w3.org/2005/Atom', 'https://www.w3.org/2005/Atom', 'http://www.w3.org/2005/Atom/', 'https://www.w3.org/2005/Atom/', 'http://purl.org/atom/ns#', 'https://purl.org/atom/ns#'],
  content: ['http://purl.org/rss/1.0/modules/content/', 'https://purl.org/rss/1.0/modules/content/', 'http://purl.org/rss/1.0/modules/content', 'https://purl.org/rss/1.0/modules/content'],
  dc: [
    ...['purl.org/dc/elements/1.1', 'dublincore.org/documents/dcmi-namespace', 'purl.org/dc/elements/1.0'].flatMap((path) => [
      `http://${path}/`,
      `https://${path}/`,
      `http://${path}`,
      `https://${path}`,
    ]),
  ],
  // Read by no adapter, so safe to skip inside an item (WordPress writes both on every post).
  wfw: ['http://wellformedweb.org/CommentAPI/', 'https://wellformedweb.org/CommentAPI/', 'http://wellformedweb.org/CommentAPI', 'https://wellformedweb.org/CommentAPI'],
  slash: ['http://purl.org/rss/1.0/modules/slash/', 'https://purl.org/rss/1.0/modules/slash/', 'http://purl.org/rss/1.0/modules/slash', 'https://purl.org/rss/1.0/modules/slash'],
};
const NAMESPACE_OF_URI = new Map(Object.entries(NAMESPACES).flatMap(([name, uris]) => uris.map((uri) => [uri.toLowerCase(), name] as const)));

/** Item children read as raw text (feedsmith's stop nodes), and the ones skipped because no adapter reads them. */
const ITEM_TEXT = new Set(['title', 'link', 'description', 'guid', 'pubdate', 'author', 'dc:creator', 'content:encoded']);
const ITEM_SKIPPED = new Set(['category', 'comments', 'enclosure', 'source']);

/** Every attribute quoted: fast-xml-parser reads an unquoted or bare one differently from htmlparser2. */
const QUOTED_TAG = /^<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*\/?>$/;
const ATTRIBUTE_NAME = /\s[^\s=/>]+\s*=/g;

interface Open {
  /** Tag name as written: the close tag must match it exactly. */
  raw: string;
  /** Name as feedsmith sees it: lowercased, the prefix replaced by the namespace its URI maps to. */
  name: string;
  openStart: number;
  /** Just past the open tag's '>'. */
  contentStart: number;
}

class Unsupported extends Error {}

/** The document as feedsmith's `parseRssFeed` would read the fields our adapter uses, or null when unsure. */
export function readPlainRss(text: string): Feed | null {
  try {
    // fast-xml-parser turns every line break into '\n' before it reads anything.
    return read(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

function read(text: string): Feed {
  const stack: Open[] = [];
  const prefixes = new Map<string, string>(); // prefix → lowercased URI, declared on the root only
  let rootSeen = false;
  let channels = 0;
  let inCdata = false;
  const feed: Feed = {};
  const feedSeen = new Set<string>();
  const items: Item[] = [];
  let item: Item = {};
  let itemSeen = new Set<string>(); // singular fields: feedsmith takes the first element, even an empty one
  let itemKept = false; // a field that makes feedsmith keep the item (it drops one without any)
  let itemEmpty = true; // no attribute, no child element: feedsmith drops it, and so do we
  let pendingPermaLink: boolean | undefined;

  const nameOf = (raw: string): string => {
    const lowered = raw.toLowerCase();
    const colon = lowered.indexOf(':');
    if (colon === -1) return lowered;
    const prefix = lowered.slice(0, colon);
    const uri = prefixes.get(prefix) ?? unsupported(); // undeclared: feedsmith would trust the prefix
    const namespace = NAMESPACE_OF_URI.get(uri);
    // Bound to another URI, a prefix spelled like one read here still fools feedsmith.
    if (!namespace && (prefix in NAMESPACES || prefix === 'xml' || prefix === 'xmlns')) unsupported();
    return `${namespace ?? `?${prefix}`}:${lowered.slice(colon + 1)}`;
  };

  // Attributes feedsmith reads: raw (processEntities is off), names lowercased, each quoted and unique
  // (htmlparser2 keeps the first of two, fast-xml-parser the last).
  const attributes = (open: Open, attribs: Record<string, string>): Record<string, string> => {
    const tag = text.slice(open.openStart, open.contentStart);
    if (!QUOTED_TAG.test(tag) || (tag.match(ATTRIBUTE_NAME)?.length ?? 0) !== Object.keys(attribs).length) unsupported();
    const lowered: Record<string, string> = {};
    for (const [name, value] of Object.entries(attribs)) {
      const key = name.toLowerCase();
      if (key in lowered) unsupported();
      lowered[key] = value;
    }
    return lowered;
  };

  const parser = new StrictParser(text, stack, {
    onopentag(raw, attribs) {
      const depth = stack.length;
      const open: Open = { raw, name: '', openStart: parser.startIndex, contentStart: parser.endIndex + 1 };
      for (const name in attribs) {
        const key = name.toLowerCase();
        if (key === 'xml:base' || ((key === 'xmlns' || key.startsWith('xmlns:')) && depth > 0)) unsupported();
      }
      if (depth === 0) {
        if (raw !== 'rss' || rootSeen) unsupported();
        rootSeen = true;
        for (const [key, uri] of Object.entries(attributes(open, attribs))) {
          if (key === 'xmlns') unsupported(); // a default namespace renames every element in feedsmith
          if (key.startsWith('xmlns:')) prefixes.set(key.slice(6), uri.trim().toLowerCase());
        }
      }
      open.name = nameOf(raw);
      stack.push(open);

      if (depth === 1 && (open.name !== 'channel' || ++channels > 1)) unsupported(); // rss.item etc.: feedsmith's
      if (depth === 2 && open.name === 'item') {
        item = {};
        itemSeen = new Set();
        itemKept = false;
        itemEmpty = Object.keys(attribs).length === 0;
      } else if (depth === 2 && open.name === 'atom:link') {
        ((feed.atom ??= {}).links ??= []).push(atomLink(attributes(open, attribs)));
      } else if (depth === 3 && stack[2]!.name === 'item') {
        itemEmpty = false;
        if (open.name === 'guid' && !itemSeen.has('guid')) {
          const isPermaLink = attributes(open, attribs)['ispermalink'];
          pendingPermaLink = isPermaLink === undefined ? undefined : permaLink(isPermaLink);
        } else if (open.name === 'atom:link') {
          const link = atomLink(attributes(open, attribs));
          ((item.atom ??= {}).links ??= []).push(link);
          if (link.href !== undefined) itemKept = true;
        } else if (!ITEM_TEXT.has(open.name) && !ITEM_SKIPPED.has(open.name) && !/^(wfw|slash):/.test(open.name)) {
          unsupported();
        }
      }
    },
    onclosetag(_raw, isImplied) {
      const open = stack.pop()!;
      // Implied is either self-closing (closed where it opened) or left open: malformed, feedsmith decides.
      const selfClosing = isImplied && parser.startIndex === open.openStart;
      if (isImplied && !selfClosing) unsupported();
      const inner = selfClosing ? '' : text.slice(open.contentStart, parser.startIndex);
      const depth = stack.length;
      if (depth === 2 && open.name === 'item') {
        if (itemKept) items.push(item);
        else if (!itemEmpty) unsupported(); // only blank or skipped fields: whether feedsmith keeps it is its call
      } else if (depth === 2 && (open.name === 'title' || open.name === 'link') && !feedSeen.has(open.name)) {
        feedSeen.add(open.name);
        const value = parseString(inner);
        if (value !== undefined) feed[open.name] = value;
      } else if (open.name === 'atom:link' && depth >= 2 && depth <= 3 && inner !== '') {
        unsupported(); // text in an atom:link: feedsmith reads it as the href when there is no attribute
      } else if (depth === 3 && stack[2]!.name === 'item' && ITEM_TEXT.has(open.name)) {
        readItemField(open.name, inner);
      }
    },
    ontext(data) {
      if (!inCdata && data.includes('<')) unsupported(); // a '<' htmlparser2 left as text is a tag to fast-xml-parser
      if (stack.length === 0 && data.trim() !== '') unsupported();
    },
    oncdatastart() {
      inCdata = true;
    },
    oncdataend() {
      inCdata = false;
    },
    onprocessinginstruction(name) {
      if (name.startsWith('!')) unsupported(); // a declaration (DOCTYPE, ENTITY) still in the text
    },
  });

  // Item fields: one value (the first element) or, for author and dc:creator, a list of the non-empty ones.
  function readItemField(name: string, inner: string): void {
    if (name === 'author') {
      const author = person(inner);
      if (author) {
        (item.authors ??= []).push(author);
        itemKept = true;
      }
      return;
    }
    const value = parseString(inner);
    if (name === 'dc:creator') {
      if (value !== undefined) {
        ((item.dc ??= {}).creators ??= []).push(value);
        itemKept = true;
      }
      return;
    }
    if (itemSeen.has(name)) return;
    itemSeen.add(name);
    if (name === 'guid') {
      const guid = { ...(value !== undefined && { value }), ...(pendingPermaLink !== undefined && { isPermaLink: pendingPermaLink }) };
      if (Object.keys(guid).length > 0) {
        item.guid = guid;
        itemKept = true;
      }
      return;
    }
    if (value === undefined) return;
    itemKept = true;
    if (name === 'content:encoded') item.content = { encoded: value };
    else item[name === 'pubdate' ? 'pubDate' : (name as 'title' | 'link' | 'description')] = value;
  }

  parser.end(text);
  if (!rootSeen || channels !== 1) unsupported();
  // feedsmith keeps a channel for any one field; with no title, link or item it would be its ParseError case.
  if (items.length > 0) feed.items = items;
  else if (feed.title === undefined && feed.link === undefined) unsupported();
  return feed;
}

function unsupported(): never {
  throw new Unsupported();
}

/** feedsmith's `parseString`: comments dropped, CDATA kept verbatim, entities decoded elsewhere, trimmed. */
function parseString(raw: string): string | undefined {
  if (raw === '') return undefined;
  return decodeWithCdata(stripComments(raw)).trim() || undefined;
}

function stripComments(raw: string): string {
  let start = raw.indexOf('<!--');
  if (start === -1) return raw;
  let result = '';
  let last = 0;
  while (start !== -1) {
    result += raw.slice(last, start);
    const end = raw.indexOf('-->', start + 4);
    if (end === -1) return raw;
    last = end + 3;
    start = raw.indexOf('<!--', last);
  }
  return result + raw.slice(last);
}

function decodeWithCdata(raw: string): string {
  let start = raw.indexOf('<![CDATA[');
  if (start === -1) return decode(raw);
  let result = '';
  let last = 0;
  while (start !== -1) {
    result += decode(raw.slice(last, start));
    const end = raw.indexOf(']]>', start + 9);
    if (end === -1) return decode(raw);
    result += raw.slice(start + 9, end);
    last = end + 3;
    start = raw.indexOf('<![CDATA[', last);
  }
  return result + decode(raw.slice(last));
}

/** feedsmith decodes only text with an '&' followed somewhere by a ';'. */
function decode(raw: string): string {
  const amp = raw.indexOf('&');
  return amp !== -1 && raw.indexOf(';', amp) !== -1 ? decodeHTML(raw) : raw;
}

/** trousse's coerceBoolean, as feedsmith reads isPermaLink. */
function permaLink(raw: string): boolean | undefined {
  if (/^\p{White_Space}*true\p{White_Space}*$/iu.test(raw)) return true;
  if (/^\p{White_Space}*false\p{White_Space}*$/iu.test(raw)) return false;
  return undefined;
}

function atomLink(attribs: Record<string, string>): Link {
  const link: Link = {};
  for (const key of ['href', 'rel', 'type'] as const) {
    const value = attribs[key] === undefined ? undefined : parseString(attribs[key]);
    if (value !== undefined) link[key] = value;
  }
  return link;
}

/**
 * feedsmith's parsePerson for the plain case only: a bare name. An address, a URL or a bracketed part
 * ("jane@example.com (Jane)") goes through its splitting rules, so those are left to it.
 */
function person(inner: string): { name: string } | undefined {
  if (inner.includes('<')) unsupported(); // markup or CDATA: fast-xml-parser reads it as XML
  const raw = parseString(inner);
  if (raw === undefined) return undefined;
  if (/[@<([]|:\/\/|www\./.test(raw)) unsupported();
  return { name: raw };
}

/**
 * htmlparser2 drops a close tag that matches no open element and closes the ones it skips over;
 * fast-xml-parser fails on both, so any close tag that is not the innermost open element's is refused.
 */
class StrictParser extends Parser {
  constructor(
    private readonly source: string,
    private readonly open: Open[],
    handler: ConstructorParameters<typeof Parser>[0],
  ) {
    super(handler, { xmlMode: true, decodeEntities: false });
  }

  override onclosetag(start: number, endIndex: number): void {
    if (this.source.slice(start, endIndex) !== this.open[this.open.length - 1]?.raw) unsupported();
    super.onclosetag(start, endIndex);
  }
}
