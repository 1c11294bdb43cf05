// The fast road from feed HTML to plain text. Almost every feed item is paragraphs, links, emphasis,
// lists, images and a handful of entities; for those a single scan gives the same words as
// html-to-text (after whitespace is collapsed) at a small fraction of its cost, which dominated
// `fanpulse inspect` and the poll's parse step. Entities of any kind are decoded by the `entities`
// package as htmlparser2 decodes them in text. Anything outside that vocabulary — an unknown tag,
// a table, a script, a stray `<` — gets null, and the caller takes the full parser.
// test/unit/core/plain-html.test.ts holds the two to the same output.

import { decodeHTML } from 'entities';

/** Elements html-to-text renders inline (with our selectors in normalise.ts): their text only. */
const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'del', 'dfn', 'em', 'font', 'i', 'ins', 'kbd', 'mark', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var']);

/** Elements it starts on a new line (paragraphs, blocks, headings, list items, line breaks). */
const BLOCK = new Set(['article', 'aside', 'blockquote', 'br', 'div', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'ul']);

/** Elements it leaves out entirely (void, so there is no content to skip). */
const DROPPED = new Set(['img']);

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
      const raw = html.slice(at, end);
      // htmlparser2's tokenizer decodes text in legacy mode ("&copy 2026" too), with this package.
      const text = raw.includes('&') ? decodeHTML(raw) : raw;
      // An entity can spell U+200B too (&ZeroWidthSpace;, &#8203;).
      if (text !== raw && text.includes('\u200b')) return null;
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

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isNameChar(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}
