// RSS 1.0 / RSS 0.90 (RDF; feedsmith `RdfFeed`) → FeedItem.

import type { RdfFeed } from 'feedsmith';
import { firstPresent, text, type FeedItem, type ParsedFeed } from '../feed-item.ts';
import { mediaDescription } from './shared.ts';

export function adaptRdf(feed: RdfFeed.Feed<string>, version: string | null): ParsedFeed {
  return {
    format: 'rdf',
    version,
    title: firstPresent(feed.title),
    link: firstPresent(feed.link),
    base: firstPresent(feed.xml?.base),
    items: (feed.items ?? []).map(adaptItem),
  };
}

function adaptItem(item: RdfFeed.Item<string>): FeedItem {
  const about = firstPresent(item.rdf?.about);
  return {
    title: text(item.title, 'html') ?? text(item.dc?.titles?.[0], 'html'),
    // rdf:about is the item's URI and, by RSS 1.0 convention, usually its link too.
    links: [item.link, about].filter((link): link is string => !!link?.trim()),
    guid: about,
    content: text(item.content?.encoded, 'html'),
    summary: text(item.description, 'html') ?? text(item.dc?.descriptions?.[0], 'html') ?? text(mediaDescription(item.media), 'text'),
    author: firstPresent(item.dc?.creators?.[0], item.dcterms?.creators?.[0]),
    published: firstPresent(item.dc?.dates?.[0], item.dcterms?.issued?.[0], item.dcterms?.created?.[0]),
    updated: firstPresent(item.dcterms?.modified?.[0]),
    base: firstPresent(item.xml?.base),
  };
}
