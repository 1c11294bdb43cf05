// What the two ways of reading Reddit share: the listings a source reads (a subreddit's new posts
// and new comments, or a search), their URLs in either format, and the page a reader hands the walk.
// Both formats page the same way, newest first, `after` the fullname of the last thing read.

import type { SourceOf } from '../../../config/schema.ts';
import type { Page } from '../api/walk.ts';
import type { RedditThing } from './map.ts';

export type RedditSourceConfig = Pick<SourceOf<'reddit'>, 'id' | 'subreddit' | 'search' | 'include' | 'baseUrl'>;

export type Stream = 'posts' | 'comments' | 'search';

export type ListingFormat = 'json' | 'rss';

/** The most a listing page holds. */
export const PAGE_SIZE = 100;

/** A response's validators, for a conditional GET of a listing's top page next pass. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface ListingAnswer {
  /** Null when the server answered 304 Not Modified. */
  page: Page<RedditThing, string> | null;
  /** Response headers, lower-case names (rate limits). */
  headers: Record<string, string>;
  validators: Validators | null;
}

/** Reads one listing page in one format; `validators` (the top page's, from last pass) make the GET conditional. */
export interface ListingReader {
  format: ListingFormat;
  read(url: string, validators: Validators | null, nowMs: number): Promise<ListingAnswer>;
}

export function listingStreams(config: RedditSourceConfig): Stream[] {
  // Search has no comment listing: `include` does not apply.
  return config.search !== undefined ? ['search'] : (['posts', 'comments'] as const).filter((s) => config.include.includes(s));
}

/** What a cursor is for: a changed subreddit or query starts over. The same in both formats, so a cursor carries over. */
export const listingTarget = (config: RedditSourceConfig): string =>
  config.search !== undefined ? `search:${config.search}` : `r/${(config.subreddit ?? '').toLowerCase()}`;

/** `/r/{sub}/new.json` or `/r/{sub}/new/.rss`, `/r/{sub}/comments…`, `/search.json` or `/search.rss`, a page of it. */
export function listingUrl(api: string, config: RedditSourceConfig, stream: Stream, format: ListingFormat, after: string | null): string {
  const listing = stream === 'posts' ? 'new' : 'comments';
  const path =
    stream === 'search' ? `/search.${format}` : format === 'json' ? `/r/${config.subreddit}/${listing}.json` : `/r/${config.subreddit}/${listing}/.rss`;
  const params = new URLSearchParams();
  if (stream === 'search') {
    params.set('q', config.search ?? '');
    params.set('sort', 'new');
  }
  params.set('limit', String(PAGE_SIZE));
  // Without raw_json=1 Reddit HTML-escapes <, > and & in every JSON string (titles, *_html, URLs).
  if (format === 'json') params.set('raw_json', '1');
  if (after !== null) params.set('after', after);
  return `${api}${path}?${params}`;
}
