// One Source adapter per configured source, by type, over the shared fetcher.

import type { Config, SourceConfig } from '../../config/schema.ts';
import { redditCredentialsFrom } from '../../config/env.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Fetcher, SessionStore, Source } from '../../core/ports.ts';
import type { SourceCredentials } from './api/credentials.ts';
import { createMemorySessions } from './api/sessions.ts';
import { createBlueskySource } from './bluesky/index.ts';
import { createDiscourseSource } from './discourse.ts';
import { createHackerNewsSource } from './hackernews.ts';
import { createLemmySource } from './lemmy/index.ts';
import { createMastodonSource } from './mastodon/index.ts';
import { createRedditSource } from './reddit/index.ts';
import { createRssSource } from './rss.ts';
import { createYoutubeSource } from './youtube/index.ts';

export interface SourceDeps {
  /** Keys and logins by name: the environment locally, the stack's secret in AWS. @default none */
  credentials?: SourceCredentials;
  /** Where login sessions are kept between passes. @default in memory (this process only) */
  sessions?: SessionStore;
}

export function createSource(config: SourceConfig, fetcher: Fetcher, deps: SourceDeps = {}): Source {
  const credentials = deps.credentials ?? {};
  switch (config.type) {
    case 'rss':
      return createRssSource(config, fetcher);
    case 'reddit':
      return createRedditSource(config, fetcher, redditCredentialsFrom(credentials));
    case 'mastodon':
      return createMastodonSource(config, fetcher, { credentials });
    case 'discourse':
      return createDiscourseSource(config, fetcher);
    case 'lemmy':
      return createLemmySource(config, fetcher);
    case 'hackernews':
      return createHackerNewsSource(config, fetcher);
    case 'bluesky':
      return createBlueskySource(config, { fetcher, credentials, sessions: deps.sessions ?? createMemorySessions() });
    case 'youtube':
      return createYoutubeSource(config, { fetcher, credentials });
    default: {
      // Exhaustive: a new type in the schema without an adapter here fails to compile.
      const unknown: never = config;
      throw new ConfigError(`unknown source type in ${JSON.stringify(unknown)}`);
    }
  }
}

export function createSources(config: Config, fetcher: Fetcher, deps: SourceDeps = {}): Source[] {
  // One session store for every source of the pass, so sources of one account share a session.
  const shared: SourceDeps = { ...deps, sessions: deps.sessions ?? createMemorySessions() };
  return config.sources.map((source) => createSource(source, fetcher, shared));
}
