// Atom 1.0 and 0.3 (feedsmith `AtomFeed`; it already maps 0.3's issued/modified/created) → FeedItem.

import type { AtomFeed } from 'feedsmith';
import { firstPresent, text, type FeedItem, type FeedText, type ParsedFeed } from '../feed-item.ts';
import { alternateLinks, mediaDescription } from './shared.ts';

export function adaptAtom(feed: AtomFeed.Feed<string>, version: string | null): ParsedFeed {
  // RFC 4287 §4.2.1: an entry without an author inherits the feed's.
  const feedAuthor = personName(feed.authors);
  return {
    format: 'atom',
    version,
    title: firstPresent(feed.title?.value),
    link: alternateLinks(feed.links)[0] ?? null,
    base: firstPresent(feed.xml?.base),
    items: (feed.entries ?? []).map((entry) => adaptEntry(entry, feedAuthor)),
  };
}

function adaptEntry(entry: AtomFeed.Entry<string>, feedAuthor: string | null): FeedItem {
  return {
    title: atomText(entry.title?.value, entry.title?.type),
    links: alternateLinks(entry.links),
    guid: firstPresent(entry.id),
    content: entry.content?.src ? null : atomText(entry.content?.value, entry.content?.type),
    summary: atomText(entry.summary?.value, entry.summary?.type) ?? text(mediaDescription(entry.media), 'text'),
    author: firstPresent(
      personName(entry.authors),
      entry.dc?.creators?.[0],
      personName(entry.source?.authors),
      feedAuthor,
    ),
    published: firstPresent(entry.published, entry.dc?.dates?.[0]),
    updated: firstPresent(entry.updated),
    base: firstPresent(entry.xml?.base),
  };
}

function personName(people: AtomFeed.Person[] | undefined): string | null {
  const person = people?.find((p) => p.name?.trim() || p.email?.trim());
  return firstPresent(person?.name, person?.email);
}

/**
 * Atom text constructs: type "text" (default), "html" or "xhtml" (feedsmith unwraps the xhtml div),
 * or, in content, a MIME type. XML types hold markup too; other MIME types (base64 media) are not text.
 */
function atomText(value: string | undefined, type: string | undefined): FeedText | null {
  const kind = atomTextKind(type);
  return kind ? text(value, kind) : null;
}

function atomTextKind(type: string | undefined): FeedText['kind'] | null {
  const t = type?.trim().toLowerCase();
  if (!t || t === 'text' || t === 'text/plain') return 'text';
  if (t === 'html' || t === 'xhtml' || t === 'text/html' || t.endsWith('+xml') || t.endsWith('/xml')) return 'html';
  if (t.startsWith('text/')) return 'text';
  return null;
}
