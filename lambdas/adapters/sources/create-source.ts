// One Source adapter per configured source, by type, over the shared fetcher.

import type { Config, SourceConfig } from '../../config/schema.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Fetcher, Source } from '../../core/ports.ts';
import { createRssSource } from './rss.ts';

/** Credentials some source types can use, read from the environment by the caller. */
export interface SourceSecrets {
  reddit?: { clientId: string; clientSecret: string };
}

export function createSource(config: SourceConfig, fetcher: Fetcher, secrets: SourceSecrets = {}): Source {
  switch (config.type) {
    case 'rss':
      return createRssSource(config, fetcher);
    default:
      // Interim while the API source types are being added; replaced by an exhaustive check.
      void secrets;
      throw new ConfigError(`source ${config.id}: type "${config.type}" is not available in this build`);
  }
}

export const createSources = (config: Config, fetcher: Fetcher, secrets: SourceSecrets = {}): Source[] =>
  config.sources.map((source) => createSource(source, fetcher, secrets));
