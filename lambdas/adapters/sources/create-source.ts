// One Source adapter per configured source, by type, over the shared fetcher.

import type { Config, SourceConfig } from '../../config/schema.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Fetcher, Source } from '../../core/ports.ts';
import { createDiscourseSource } from './discourse.ts';
import { createHackerNewsSource } from './hackernews.ts';
import { createLemmySource } from './lemmy.ts';
import { createMastodonSource } from './mastodon.ts';
import { createRedditSource } from './reddit.ts';
import { createRssSource } from './rss.ts';

/** Credentials some source types can use, read from the environment by the caller. */
export interface SourceSecrets {
  reddit?: { clientId: string; clientSecret: string };
}

export function createSource(config: SourceConfig, fetcher: Fetcher, secrets: SourceSecrets = {}): Source {
  switch (config.type) {
    case 'rss':
      return createRssSource(config, fetcher);
    case 'reddit':
      return createRedditSource(config, fetcher, secrets.reddit);
    case 'mastodon':
      return createMastodonSource(config, fetcher);
    case 'discourse':
      return createDiscourseSource(config, fetcher);
    case 'lemmy':
      return createLemmySource(config, fetcher);
    case 'hackernews':
      return createHackerNewsSource(config, fetcher);
    default: {
      // Exhaustive: a new type in the schema without an adapter here fails to compile.
      const unknown: never = config;
      throw new ConfigError(`unknown source type in ${JSON.stringify(unknown)}`);
    }
  }
}

export const createSources = (config: Config, fetcher: Fetcher, secrets: SourceSecrets = {}): Source[] =>
  config.sources.map((source) => createSource(source, fetcher, secrets));
