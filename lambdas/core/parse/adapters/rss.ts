// RSS 0.9x / 2.0 (feedsmith `RssFeed`) → FeedItem.

import type { MediaNs, RssFeed } from 'feedsmith';
import { firstPresent, text, type FeedItem, type ParsedFeed } from '../feed-item.ts';
import { alternateLinks, mediaDescription } from './shared.ts';

export function adaptRss(feed: RssFeed.Feed<string>, version: string | null): ParsedFeed {
  return {
    format: 'rss',
    version,
    title: firstPresent(feed.title),
    link: firstPresent(feed.link, ...alternateLinks(feed.atom?.links)),
    base: firstPresent(feed.xml?.base),
    items: (feed.items ?? []).map(adaptItem),
  };
}

function adaptItem(item: RssFeed.Item<string>): FeedItem {
  const guid = firstPresent(item.guid?.value);
  // RSS 2.0: a guid is the permalink unless isPermaLink="false"; many feeds omit the attribute on
  // guids that are not URLs at all, so only an absolute URL is taken as a link.
  const guidLink = guid && item.guid?.isPermaLink !== false && URL.canParse(guid) ? guid : null;
  return {
    // RSS titles are HTML by convention (publishers escape markup and entities into them).
    title: text(item.title, 'html') ?? text(item.dc?.titles?.[0], 'html') ?? text(item.media?.title?.value, 'text'),
    links: [item.link, guidLink, ...alternateLinks(item.atom?.links)].filter(isString),
    guid,
    content: text(item.content?.encoded, 'html'),
    summary: text(item.description, 'html') ?? text(item.dc?.descriptions?.[0], 'html') ?? mediaText(item.media),
    // A name anywhere beats the bare e-mail address RSS's <author> often is.
    author: firstPresent(
      item.authors?.[0]?.name,
      item.dc?.creators?.[0],
      item.itunes?.author,
      item.atom?.authors?.[0]?.name,
      item.authors?.[0]?.email,
    ),
    published: firstPresent(item.pubDate, item.dc?.dates?.[0], item.dcterms?.issued?.[0], item.dcterms?.created?.[0], item.atom?.published),
    updated: firstPresent(item.atom?.updated, item.dcterms?.modified?.[0]),
    base: firstPresent(item.xml?.base),
  };
}

function mediaText(media: MediaNs.ItemOrFeed | undefined): FeedItem['summary'] {
  return text(mediaDescription(media), 'text');
}

function isString(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
