// The one shape every feed format is adapted to, before normalising into a Post.
// Values are as the feed gives them (entities decoded by the parser, but HTML still HTML,
// links possibly relative, dates as raw strings); normalise.ts makes them Post fields.

import type { FeedFormat } from './detect-format.ts';

/** A piece of text and whether it is markup (to be converted) or already plain. */
export interface FeedText {
  value: string;
  kind: 'html' | 'text';
}

export interface FeedItem {
  title: FeedText | null;
  /** Candidate links to the item's page, best first, as written (maybe relative). */
  links: string[];
  /** guid (RSS), id (Atom, JSON Feed), rdf:about (RSS 1.0). */
  guid: string | null;
  /** The fullest body: content:encoded, Atom content, content_html/content_text. */
  content: FeedText | null;
  /** The short form: description, Atom summary, JSON summary. */
  summary: FeedText | null;
  author: string | null;
  published: string | null;
  updated: string | null;
  /** xml:base in scope on the item, as written (resolved against the feed's base by normalise). */
  base: string | null;
}

export interface ParsedFeed {
  format: FeedFormat;
  /** e.g. "2.0", "0.91" (RSS), "1.0"/"0.3" (Atom), "1.1" (JSON Feed); null when not stated. */
  version: string | null;
  title: string | null;
  /** The site the feed belongs to (channel link, Atom alternate link, home_page_url), as written. */
  link: string | null;
  /** The feed-level xml:base, as written. */
  base: string | null;
  items: FeedItem[];
}

export function text(value: string | undefined | null, kind: FeedText['kind']): FeedText | null {
  return value && value.trim() ? { value, kind } : null;
}

/** First non-blank string among the candidates, trimmed. */
export function firstPresent(...values: (string | undefined | null)[]): string | null {
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed) return trimmed;
  }
  return null;
}
