// Parse, then adapt: bytes → text (decode.ts) → format (detect-format.ts) → feedsmith's parser for
// that format (for plain RSS, plain-rss.ts's faster reader of the same fields) → one adapter per
// format → ParsedFeed. Anything that is not a feed is a NotAFeedError
// with a message a user can act on; the parser's own errors never escape raw.
//
// Safety, in two layers: the DOCTYPE is cut out before parsing (withoutDoctype), so no entity
// declaration ever reaches the XML parser; and feedsmith runs fast-xml-parser with
// `processEntities: false` anyway, so a declared entity would not be expanded (`&lol9;` stays those
// six characters) and an external one (SYSTEM) is refused rather than read. Nothing is ever fetched
// or read from disk. test/unit/core/parse/parse-feed.test.ts pins this.

import { DetectError, MalformedError, ParseError, parseAtomFeed, parseFeed as parseAnyFeed, parseJsonFeed, parseRdfFeed, parseRssFeed } from 'feedsmith';
import { NotAFeedError } from '../errors.ts';
import { adaptAtom } from './adapters/atom.ts';
import { adaptJsonFeed } from './adapters/json-feed.ts';
import { adaptRdf } from './adapters/rdf.ts';
import { adaptRss } from './adapters/rss.ts';
import { decodeBody } from './decode.ts';
import { readPlainRss } from './plain-rss.ts';
import { detectFormat, withoutDoctype, type FeedFormat } from './detect-format.ts';
import type { ParsedFeed } from './feed-item.ts';

export type { FeedFormat } from './detect-format.ts';
export type { FeedItem, FeedText, ParsedFeed } from './feed-item.ts';

const FORMAT_NAMES: Record<FeedFormat, string> = { rss: 'RSS', rdf: 'RSS 1.0 (RDF)', atom: 'Atom', json: 'JSON Feed' };

/**
 * Reads one fetched document as a feed. `contentType` is the response's Content-Type header (its
 * charset decides the decoding unless the body has a byte-order mark).
 * @throws NotAFeedError when the document is empty, HTML, plain text, other JSON, or unreadable XML.
 */
export function parseFeed(body: Buffer | string, contentType?: string | null): ParsedFeed {
  const decoded = decodeBody(body, contentType).text;
  const detection = detectFormat(decoded);

  if (detection.kind === 'not-a-feed') throw new NotAFeedError(`not a feed: ${detection.reason}`);
  const text = detection.kind === 'feed' && detection.format === 'json' ? decoded : withoutDoctype(decoded);

  if (detection.kind === 'unsure') {
    // The prolog is unreadable; feedsmith's detection looks past junk and may still find a feed.
    try {
      const any = parseAnyFeed(text);
      switch (any.format) {
        case 'rss':
          return adaptRss(any.feed, null);
        case 'atom':
          return adaptAtom(any.feed, null);
        case 'rdf':
          return adaptRdf(any.feed, null);
        case 'json':
          return adaptJsonFeed(any.feed, null);
      }
    } catch (error) {
      if (error instanceof DetectError) {
        throw new NotAFeedError('not a feed: no RSS, RDF, Atom or JSON Feed structure found', { cause: error });
      }
      throw notAFeed(error, 'document');
    }
  }

  const { format, version } = detection;
  try {
    return parseAs(format, version, text, detection.json);
  } catch (error) {
    // A body cut off mid-tag (size cap, dropped connection) fails only on its last partial tag;
    // the parser tolerates unclosed elements, so dropping the fragment recovers every complete item.
    const complete = text.slice(0, text.lastIndexOf('>') + 1);
    if (error instanceof MalformedError && complete.length > 0 && complete.length < text.trimEnd().length) {
      try {
        return parseAs(format, version, complete, detection.json);
      } catch {
        // Fall through to the original error, which describes the document as received.
      }
    }
    // The root element says feed but the parser found none of its elements (e.g. `<rss version="2.0"/>`,
    // or a channel with only unknown extensions): a feed with nothing in it, not a failure.
    if (error instanceof ParseError) return { format, version, title: null, link: null, base: null, items: [] };
    throw notAFeed(error, FORMAT_NAMES[format]);
  }
}

function parseAs(format: FeedFormat, version: string | null, text: string, json: unknown): ParsedFeed {
  switch (format) {
    case 'rss':
      // The common RSS document in one streaming pass; anything unusual through feedsmith.
      return adaptRss(readPlainRss(text) ?? parseRssFeed(text), version);
    case 'atom':
      return adaptAtom(parseAtomFeed(text), version);
    case 'rdf':
      return adaptRdf(parseRdfFeed(text), version);
    case 'json':
      return adaptJsonFeed(parseJsonFeed(json), version);
  }
}

function notAFeed(error: unknown, what: string): NotAFeedError {
  if (error instanceof MalformedError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new NotAFeedError(`not a feed: the ${what} is not well-formed XML${cause}`, { cause: error });
  }
  if (error instanceof ParseError || error instanceof DetectError) {
    return new NotAFeedError(`not a feed: the ${what} has none of the expected feed elements`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NotAFeedError(`not a feed: the ${what} could not be read (${message})`, { cause: error });
}
