// The `bluesky` source type: posts matching a search (app.bsky.feed.searchPosts) with an app-password session.

import type { SourceOf } from '../../../config/schema.ts';
import { FetchError } from '../../../core/errors.ts';
import type { Fetcher, SessionStore, Source } from '../../../core/ports.ts';
import type { SourceCredentials } from '../api/credentials.ts';

export interface BlueskyDeps {
  fetcher: Fetcher;
  credentials: SourceCredentials;
  sessions: SessionStore;
}

export function createBlueskySource(config: SourceOf<'bluesky'>, _deps: BlueskyDeps): Source {
  return {
    id: config.id,
    poll: async () => {
      throw new FetchError('not-a-feed', 'the bluesky source type is being built');
    },
  };
}
