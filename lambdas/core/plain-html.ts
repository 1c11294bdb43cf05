// The fast road from feed HTML to plain text. Almost every feed item is paragraphs, links, emphasis,
// lists, images and a handful of entities; for those a single scan gives the same words as
// html-to-text (after whitespace is collapsed) at a small fraction of its cost, which dominated
// `fanpulse inspect` and the poll's parse step. Anything outside that vocabulary — an unknown tag,
// a table, a script, a legacy entity without its semicolon, a stray `<` — gets null, and the caller
// takes the full parser. test/unit/core/plain-html.test.ts holds the two to the same output.

/** Elements html-to-text renders inline (with our selectors in normalise.ts): their text only. */
const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'del', 'dfn', 'em', 'font', 'i', 'ins', 'kbd', 'mark', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var']);

/** Elements it starts on a new line (paragraphs, blocks, headings, list items, line breaks). */
const BLOCK = new Set(['article', 'aside', 'blockquote', 'br', 'div', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'ul']);

/** Elements it leaves out entirely (void, so there is no content to skip). */
const DROPPED = new Set(['img']);

/** The named entities feeds use most (WordPress, Blogger, news CMSs); others take the full parser. */
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '\u00ad',
  hellip: '\u2026', mdash: '\u2014', ndash: '\u2013', minus: '\u2212',
  lsquo: '\u2018', rsquo: '\u2019', sbquo: '\u201a', ldquo: '\u201c', rdquo: '\u201d', bdquo: '\u201e',
  laquo: '\u00ab', raquo: '\u00bb', lsaquo: '\u2039', rsaquo: '\u203a', prime: '\u2032', Prime: '\u2033',
  copy: '\u00a9', reg: '\u00ae', trade: '\u2122', middot: '\u00b7', bull: '\u2022', deg: '\u00b0', times: '\u00d7',
  euro: '\u20ac', pound: '\u00a3', cent: '\u00a2', yen: '\u00a5', sect: '\u00a7', para: '\u00b6', iexcl: '\u00a1', iquest: '\u00bf',
  aacute: '\u00e1', agrave: '\u00e0', acirc: '\u00e2', auml: '\u00e4', atilde: '\u00e3', aring: '\u00e5', ccedil: '\u00e7',
  eacute: '\u00e9', egrave: '\u00e8', ecirc: '\u00ea', euml: '\u00eb', iacute: '\u00ed', icirc: '\u00ee', iuml: '\u00ef',
  ntilde: '\u00f1', oacute: '\u00f3', ocirc: '\u00f4', ouml: '\u00f6', otilde: '\u00f5', oslash: '\u00f8',
  uacute: '\u00fa', ugrave: '\u00f9', ucirc: '\u00fb', uuml: '\u00fc', szlig: '\u00df',
  Aacute: '\u00c1', Eacute: '\u00c9', Oacute: '\u00d3', Ouml: '\u00d6', Uuml: '\u00dc', Auml: '\u00c4',
};

/** Void elements: never open, so never closed. */
const VOID = new Set(['br', 'img']);

/**
 * htmlparser2's implied end tags within this vocabulary: a new list item closes the open one, a
 * new block closes an open paragraph. Mirrored because an end tag's meaning depends on what is open.
 */
const CLOSED_BY = (name: string): string | null => (name === 'li' ? 'li' : BLOCK.has(name) && name !== 'br' ? 'p' : null);

/**
 * The text of `html` with tags dropped, entities decoded and a space where a block starts or ends
 * (whitespace not yet collapsed); null when it holds anything this reader does not know.
 */
export function plainHtmlText(html: string): string | null {
  // html-to-text counts U+200B as whitespace, and JavaScript's \s does not.
  if (html.includes('\u200b')) return null;
  const open: OpenElement[] = [];
  let out = '';
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const end = lt === -1 ? html.length : lt;
    if (end > at) {
      const text = decodeEntities(html.slice(at, end));
      if (text === null) return null;
      // html-to-text makes an item of anything inside a <ul> but blanks: only <li> items are read here.
      if (open.at(-1)?.name === 'ul' && text.trim() !== '') return null;
      out += text;
    }
    if (lt === -1) break;
    const markup = readMarkup(html, lt);
    if (markup === null) return null;
    const added = markup.tag ? (markup.tag.closing ? closeTag(open, markup.tag.name) : openTag(open, markup.tag.name)) : open.at(-1)?.name === 'ul' ? null : '';
    if (added === null) return null;
    out += added;
    at = markup.next;
  }
  return open.some(isEmptyList) ? null : out;
}

/** An element not yet closed; a <ul> counts its <li> items. */
interface OpenElement {
  name: string;
  items: number;
}

/** html-to-text writes nothing at all for a list without items, not even its line breaks. */
const isEmptyList = (element: OpenElement) => element.name === 'ul' && element.items === 0;

/** What an opening tag adds: a space for a block; the element joins the open ones. */
function openTag(open: OpenElement[], name: string): string | null {
  const implied = CLOSED_BY(name);
  while (implied !== null && open.at(-1)?.name === implied) open.pop();
  const parent = open.at(-1);
  if (parent?.name === 'ul') {
    if (name !== 'li') return null;
    parent.items++;
  }
  // A list inside a list item is written without its item prefixes: the full parser's case.
  if (name === 'ul' && parent?.name === 'li') return null;
  if (!VOID.has(name)) open.push({ name, items: 0 });
  return BLOCK.has(name) ? ' ' : '';
}

/**
 * What an end tag adds: a space when it closes a block. An end tag with nothing open to close is
 * ignored, except `</p>` and `</br>`, which HTML reads as an empty paragraph and a line break.
 */
function closeTag(open: OpenElement[], name: string): string | null {
  const inList = open.at(-1)?.name === 'ul';
  if (VOID.has(name)) return name !== 'br' ? '' : inList ? null : ' ';
  let at = open.length - 1;
  while (at >= 0 && open[at]!.name !== name) at--;
  if (at === -1) return name !== 'p' ? '' : inList ? null : ' ';
  // The element and everything opened inside it close together.
  let block = false;
  for (let k = at; k < open.length; k++) {
    if (isEmptyList(open[k]!)) return null;
    block ||= BLOCK.has(open[k]!.name);
  }
  open.length = at;
  return block ? ' ' : '';
}

/** A tag (its lower-case name) or a comment (no tag) at `lt`, and where the text resumes. */
function readMarkup(html: string, lt: number): { tag?: { name: string; closing: boolean }; next: number } | null {
  if (html.startsWith('<!--', lt)) {
    const close = html.indexOf('-->', lt + 4);
    return close === -1 ? null : { next: close + 3 };
  }
  const closing = html[lt + 1] === '/';
  let i = lt + (closing ? 2 : 1);
  const nameStart = i;
  let upper = false;
  for (let c = html.charCodeAt(i); i < html.length && isNameChar(c); c = html.charCodeAt(++i)) upper ||= c <= 0x5a && c >= 0x41;
  if (i === nameStart || !isLetter(html.charCodeAt(nameStart))) return null;
  // Lower-cased only when needed: toLowerCase is slow on text that holds any non-ASCII character.
  const name = upper ? html.slice(nameStart, i).toLowerCase() : html.slice(nameStart, i);
  if (!INLINE.has(name) && !BLOCK.has(name) && !DROPPED.has(name)) return null;
  const next = endOfTag(html, i);
  return next === null ? null : { tag: { name, closing }, next };
}

/** Just past the `>` that closes a tag whose name ends at `from`; quoted values may hold `>`. */
function endOfTag(html: string, from: number): number | null {
  let i = from;
  const first = html.charCodeAt(i);
  // The name must end at whitespace, `/` or `>`; anything else (`<a@b>`) is another parser's call.
  if (!(first === 0x3e || first === 0x2f || isSpace(first))) return null;
  let afterEquals = false;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '>') return i + 1;
    if (c === '"' || c === "'") {
      if (!afterEquals) return null;
      const close = html.indexOf(c, i + 1);
      if (close === -1) return null;
      i = close + 1;
      afterEquals = false;
      continue;
    }
    if (c === '<') return null;
    if (c === '=') afterEquals = true;
    else if (!isSpace(c.charCodeAt(0))) afterEquals = false;
    i++;
  }
  return null;
}

const ENTITY = /&(?:#(\d{1,7});|#[xX]([0-9a-fA-F]{1,6});|([A-Za-z][A-Za-z0-9]{1,31});)?/g;

/** Text between tags with its entities decoded; null for an entity this reader does not know. */
function decodeEntities(text: string): string | null {
  if (!text.includes('&')) return text;
  let unknown = false;
  const decoded = text.replace(ENTITY, (match, decimal: string | undefined, hex: string | undefined, name: string | undefined, offset: number) => {
    if (decimal !== undefined || hex !== undefined) {
      const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
      // 0, the C1 range (remapped to windows-1252 by HTML), surrogates and out-of-range values follow
      // special rules: the full parser applies them.
      if (code === 0 || (code >= 0x80 && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) unknown = true;
      return unknown ? match : String.fromCodePoint(code);
    }
    if (name !== undefined) {
      // Own properties only: `&constructor;` must not find Object.prototype's.
      const value = Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : undefined;
      if (value === undefined) unknown = true;
      return value ?? match;
    }
    // A bare `&`: literal when no name or number follows ("Q & A"); "&copy" without `;` is not.
    const next = text.charCodeAt(offset + 1);
    if (isNameChar(next) || next === 0x23) unknown = true;
    return match;
  });
  return unknown ? null : decoded;
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isNameChar(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}
