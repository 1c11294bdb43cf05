// `fanpulse inspect --type T <target>`: what a user types for each API source type, as the source
// config a poll would use. Full URLs also name the host, so a mirror or a local server works.

import { sourceSchema, type SourceConfig, type SourceType } from '../config/schema.ts';
import { UsageError } from '../core/errors.ts';
import { formatConfigIssues } from '../config/load.ts';

const EXAMPLES: Record<Exclude<SourceType, 'rss'>, string> = {
  reddit: 'r/BoschLegacy, "bosch legacy" (a search), or https://www.reddit.com/r/BoschLegacy',
  mastodon: 'https://mastodon.social/tags/SaveBoschLegacy',
  discourse: 'https://forum.example.com or https://forum.example.com/c/tv-shows/12',
  lemmy: 'https://lemmy.world/c/television',
  hackernews: '"bosch legacy", or https://hn.algolia.com/?query=bosch%20legacy',
  bluesky: '"bosch legacy" (a search), or https://bsky.app/search?q=%23SaveBoschLegacy',
  youtube: 'a video id, https://www.youtube.com/watch?v=VIDEO_ID, a channel id UC…, or https://www.youtube.com/channel/UC…',
};

/** Hosts that name the platform itself: a URL on any other host is a mirror or a local server. */
const BLUESKY_SITES = /(^|\.)bsky\.app$/i;
// Reddit's own hosts: the source picks the right one itself (oauth.reddit.com with credentials).
const REDDIT_SITES = /(^|\.)reddit\.com$/i;
const YOUTUBE_SITES = /(^|\.)(youtube\.com|youtu\.be)$/i;

function asUrl(target: string): URL | null {
  if (!/^https?:\/\//i.test(target)) return null;
  try {
    return new URL(target);
  } catch {
    return null;
  }
}

function fields(type: Exclude<SourceType, 'rss'>, target: string): Record<string, unknown> | null {
  const url = asUrl(target);
  const path = url?.pathname.split('/').filter(Boolean) ?? [];
  switch (type) {
    case 'reddit': {
      if (!url) return /^(r\/)?[A-Za-z0-9_]{2,21}$/.test(target) ? { subreddit: target } : { search: target };
      const search = url.searchParams.get('q');
      const mirror = REDDIT_SITES.test(url.hostname) ? {} : { baseUrl: url.origin };
      if (path[0] === 'r' && path[1]) return { subreddit: path[1], ...mirror };
      return search ? { search, ...mirror } : null;
    }
    case 'mastodon':
      return url && path[0] === 'tags' && path[1] ? { instance: url.origin, tag: decodeURIComponent(path[1]) } : null;
    case 'discourse':
      if (!url) return null;
      return path[0] === 'c' && path.length >= 3 ? { url: url.origin, category: `${path[1]}/${path[2]}` } : { url: url.origin };
    case 'lemmy':
      return url && path[0] === 'c' && path[1] ? { instance: url.origin, community: decodeURIComponent(path[1]) } : null;
    case 'hackernews': {
      if (!url) return { query: target };
      const query = url.searchParams.get('query');
      return query ? { query, baseUrl: url.origin } : null;
    }
    case 'bluesky': {
      if (!url) return { query: target };
      const query = url.searchParams.get('q');
      if (!query) return null;
      return BLUESKY_SITES.test(url.hostname) ? { query } : { query, service: url.origin };
    }
    case 'youtube': {
      if (!url) {
        if (/^UC[A-Za-z0-9_-]{22}$/.test(target)) return { channel: target };
        return /^[A-Za-z0-9_-]{11}$/.test(target) ? { videos: [target] } : { query: target };
      }
      const mirror = YOUTUBE_SITES.test(url.hostname) ? {} : { baseUrl: url.origin };
      const video = url.hostname.endsWith('youtu.be') ? path[0] : url.searchParams.get('v');
      if (video) return { videos: [video], ...mirror };
      if (path[0] === 'channel' && path[1]) return { channel: path[1], ...mirror };
      const query = url.searchParams.get('search_query');
      return query ? { query, ...mirror } : null;
    }
  }
}

/** The source config for an inspect target, counting for every topic. */
export function sourceForTarget(type: Exclude<SourceType, 'rss'>, target: string, topicIds: string[]): SourceConfig {
  const given = fields(type, target);
  if (!given) throw new UsageError(`cannot read "${target}" as a ${type} source; give e.g. ${EXAMPLES[type]}`);
  const result = sourceSchema.safeParse({ id: 'inspect', type, topics: topicIds, ...given });
  if (!result.success) throw new UsageError(`"${target}" is not a usable ${type} source:\n${formatConfigIssues(result.error)}`);
  return result.data;
}
