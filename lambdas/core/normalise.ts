// FeedItem → Post: plain text, an absolute link, an author, a UTC published time and stable keys.
// Pure: no clock (a missing date stays null; the pipeline decides first-seen and future dates).

import { hash } from 'node:crypto';
import { compile } from 'html-to-text';
import { absoluteHttpUrl, canonicalLink } from './canonical-link.ts';
import { parseFeedDate } from './dates.ts';
import { plainHtmlText } from './plain-html.ts';
import { windows1252Controls } from './parse/decode.ts';
import { parseFeed } from './parse/parse-feed.ts';
import type { FeedItem, FeedText, ParsedFeed } from './parse/feed-item.ts';
import type { Post } from './types.ts';

export interface NormaliseContext {
  sourceId: string;
  /** The URL the document was fetched from (after redirects): the base for relative links. */
  feedUrl: string;
  /** Feed-level facts that items inherit: format, site link and xml:base. */
  feed?: Pick<ParsedFeed, 'format' | 'link' | 'base'>;
}

// Text for keyword matching and sentiment, not for reading layout: no URLs, no image alt text,
// no upper-casing of headings, no line wrapping.
const HTML_TO_TEXT_OPTIONS: Parameters<typeof compile>[0] = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'iframe', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: ' ' } },
    // Numbers and quote marks are layout, not words: "1." and ">" would only reach the matcher.
    { selector: 'ol', format: 'block' },
    { selector: 'li', format: 'block' },
    { selector: 'blockquote', format: 'block' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    // Table cells are inline by default and would run together ("Cast" + "Titus" → "CastTitus").
    { selector: 'th', format: 'block' },
    { selector: 'td', format: 'block' },
  ],
};

let compiledHtmlToText: ((html: string) => string) | undefined;

/** html-to-text with the options above, compiled on first use (most feeds never need it); the reference the fast scan (plain-html.ts) is tested against. */
export function parsedHtmlToText(html: string): string {
  compiledHtmlToText ??= compile(HTML_TO_TEXT_OPTIONS);
  return compiledHtmlToText(html);
}

/** HTML → one line of plain text: tags dropped, entities decoded, whitespace collapsed. */
export function htmlToPlainText(html: string): string {
  // Common feed markup reads in one scan; html-to-text takes whatever that scan does not know.
  return collapseWhitespace(plainHtmlText(html) ?? parsedHtmlToText(html));
}

// Only the runs that are not already one plain space: most of a text's whitespace is single spaces
// between words, and replacing each with itself cost as much as reading the HTML.
const WHITESPACE_TO_COLLAPSE = /\s{2,}|[^\S ]/g;

/** Every run of whitespace as one space, none at either end. */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_TO_COLLAPSE, ' ').trim();
}

/**
 * C1 control characters in feed text are windows-1252 punctuation that a CMS stored as latin1 and
 * re-encoded (U+0092 for ’): map them back, as browsers do for &#146;; drop the unassigned ones.
 */
export function repairC1Controls(text: string): string {
  return windows1252Controls(text, true);
}

/** A title or body as one line of plain text, whatever its kind. */
export function plainText(value: FeedText | null): string {
  if (!value) return '';
  const repaired = repairC1Controls(value.value);
  return value.kind === 'html' ? htmlToPlainText(repaired) : collapseWhitespace(repaired);
}

/** sha256 hex, shortened: 128 bits is plenty for keys within one deployment. */
export function shortHash(input: string): string {
  // The one-shot hash: a Hash object per post cost more than hashing its few bytes.
  return hash('sha256', input, 'hex').slice(0, 32);
}

/**
 * The dedup key every source type should use, so one story linked from a feed, a subreddit and a
 * forum counts once: a hash of the canonical link, else of the source and its own item id.
 */
export function dedupKeyFor(link: string | null, sourceId: string, id: string): string {
  const canonical = canonicalLink(link);
  return canonical ? shortHash(canonical) : shortHash(`${sourceId}\n${id}`);
}

/**
 * The base URL relative item links resolve against. xml:base wins where given (feed, then item).
 * Otherwise Atom follows RFC 4287 (the document's URL); RSS and JSON Feed have no rule, and their
 * relative links are meant relative to the site (the channel link), which is not always on the feed's
 * host (FeedBurner and other proxies).
 */
export function itemBaseUrl(item: Pick<FeedItem, 'base'>, context: NormaliseContext): string {
  const documentUrl = context.feedUrl;
  const feedXmlBase = resolve(context.feed?.base, documentUrl);
  if (item.base) {
    const itemBase = resolve(item.base, feedXmlBase ?? documentUrl);
    if (itemBase) return itemBase;
  }
  if (feedXmlBase) return feedXmlBase;
  if (context.feed && context.feed.format !== 'atom') {
    const site = absoluteHttpUrl(context.feed.link, documentUrl);
    if (site) return site;
  }
  return documentUrl;
}

export function normaliseItem(item: FeedItem, context: NormaliseContext): Post {
  const base = itemBaseUrl(item, context);
  const link = item.links.map((candidate) => absoluteHttpUrl(candidate, base)).find((url) => url !== null) ?? null;
  const title = plainText(item.title);
  // Prefer the full content; fall back to the summary when the content holds no text (e.g. only an image).
  const text = plainText(item.content) || plainText(item.summary);
  const id = item.guid ?? link ?? shortHash(`${title}\n${text}`);
  const author = item.author ? collapseWhitespace(repairC1Controls(item.author)) || null : null;
  return {
    sourceId: context.sourceId,
    id,
    dedupKey: dedupKeyFor(link, context.sourceId, id),
    link,
    author,
    title,
    text,
    // Items without a publication date often still carry their last update, which is a better
    // placement than first-seen time for anything but a re-edited old item.
    published: parseFeedDate(item.published) ?? parseFeedDate(item.updated),
  };
}

/** Every item of a parsed feed as a Post; items with no title, text or link (nothing to count) are dropped. */
export function normaliseFeed(feed: ParsedFeed, context: Omit<NormaliseContext, 'feed'>): Post[] {
  const withFeed: NormaliseContext = { ...context, feed: { format: feed.format, link: feed.link, base: feed.base } };
  return feed.items
    .map((item) => normaliseItem(item, withFeed))
    .filter((post) => post.title !== '' || post.text !== '' || post.link !== null);
}

/**
 * parse → normalise in one call, for the RSS source and `fanpulse inspect`.
 * @throws NotAFeedError when the document is not a feed.
 */
export function readFeed(body: Buffer | string, contentType: string | null | undefined, context: Omit<NormaliseContext, 'feed'>): Post[] {
  return normaliseFeed(parseFeed(body, contentType), context);
}

function resolve(raw: string | null | undefined, base: string): string | null {
  const value = raw?.trim();
  if (!value) return null;
  try {
    return new URL(value, base).href;
  } catch {
    return null;
  }
}
