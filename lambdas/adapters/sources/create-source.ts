// One Source adapter per configured source, by type, over the shared fetcher.

import type { Config, SourceConfig } from '../../config/schema.ts';
import type { Fetcher, Source } from '../../core/ports.ts';
import { createRssSource } from './rss.ts';

export function createSource(config: SourceConfig, fetcher: Fetcher): Source {
  switch (config.type) {
    case 'rss':
      return createRssSource(config, fetcher);
  }
}

export const createSources = (config: Config, fetcher: Fetcher): Source[] => config.sources.map((source) => createSource(source, fetcher));
