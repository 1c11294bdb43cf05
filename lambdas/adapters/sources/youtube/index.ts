// The `youtube` source type: comments on given videos or a channel's videos (Data API v3 with a key).

import type { SourceOf } from '../../../config/schema.ts';
import { FetchError } from '../../../core/errors.ts';
import type { Fetcher, Source } from '../../../core/ports.ts';
import type { SourceCredentials } from '../api/credentials.ts';

export interface YoutubeDeps {
  fetcher: Fetcher;
  credentials: SourceCredentials;
}

export function createYoutubeSource(config: SourceOf<'youtube'>, _deps: YoutubeDeps): Source {
  return {
    id: config.id,
    poll: async () => {
      throw new FetchError('not-a-feed', 'the youtube source type is being built');
    },
  };
}
