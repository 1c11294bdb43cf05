// JSON Feed 1.0 / 1.1 (feedsmith `JsonFeed`; it maps 1.0's `author` to `authors`) → FeedItem.

import type { JsonFeed } from 'feedsmith';
import { firstPresent, text, type FeedItem, type ParsedFeed } from '../feed-item.ts';

export function adaptJsonFeed(feed: JsonFeed.Feed<string>, version: string | null): ParsedFeed {
  // JSON Feed 1.1: item authors default to the feed's.
  const feedAuthor = authorName(feed.authors);
  return {
    format: 'json',
    version,
    title: firstPresent(feed.title),
    link: firstPresent(feed.home_page_url),
    base: null,
    items: (feed.items ?? []).map((item) => adaptItem(item, feedAuthor)),
  };
}

function adaptItem(item: JsonFeed.Item<string>, feedAuthor: string | null): FeedItem {
  return {
    // JSON Feed titles are plain text by spec.
    title: text(item.title, 'text'),
    links: [item.url, item.external_url].filter((link): link is string => !!link?.trim()),
    guid: firstPresent(item.id),
    content: text(item.content_html, 'html') ?? text(item.content_text, 'text'),
    summary: text(item.summary, 'text'),
    author: firstPresent(authorName(item.authors), feedAuthor),
    published: firstPresent(item.date_published),
    updated: firstPresent(item.date_modified),
    base: null,
  };
}

function authorName(authors: JsonFeed.Author[] | undefined): string | null {
  return firstPresent(authors?.find((author) => author.name?.trim())?.name);
}
