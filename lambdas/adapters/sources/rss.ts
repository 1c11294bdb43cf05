// The `rss` source type: one URL (RSS 0.9x/1.0/2.0, Atom, JSON Feed), fetched with a conditional GET.

import type { Fetcher, Source } from '../../core/ports.ts';
import { readFeed } from '../../core/normalise.ts';

export interface RssSourceConfig {
  id: string;
  url: string;
}

export function createRssSource(config: RssSourceConfig, fetcher: Fetcher): Source {
  return {
    id: config.id,
    async poll(state) {
      const response = await fetcher.get({ url: config.url, etag: state.etag, lastModified: state.lastModified });
      if (response.notModified) {
        return { changed: false, posts: [], etag: state.etag, lastModified: state.lastModified, cursor: null };
      }
      const posts = readFeed(response.body, response.contentType, { sourceId: config.id, feedUrl: response.url });
      return { changed: true, posts, etag: response.etag, lastModified: response.lastModified, cursor: null };
    },
  };
}
