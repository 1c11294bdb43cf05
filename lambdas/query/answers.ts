// The JSON the read paths answer — the HTTP API's bodies, the same as the CLI's `--format json` —
// declared once: the functions that build them return these types, and the dashboard page
// (web/src/api.ts) types its requests against them with `import type`, so a field renamed here
// fails both type-checks. Types only, imported as types only: nothing of the server reaches the page.

import type { ChannelDelivery, ListedPost, SourceState, SpikeAlert, TrendBucket } from '../core/types.ts';

/** GET /trends answers `TrendBucket[]` and a page of GET /posts holds `ListedPost`s: the domain's own shapes. */
export type { ListedPost, TrendBucket };

/** GET /alerts: an alert with where each channel stands with it (sent, deferred, dead, and when). */
export type AlertWithDeliveries = SpikeAlert & { deliveries: ChannelDelivery[] };

/** GET /sources: a configured source's health and type; its memory of what it counted is the pass's bookkeeping, not shown. */
export type SourceStatus = Omit<SourceState, 'counted'> & { type: string };

/** GET /posts: a page of posts, newest first, and the next page's cursor (opaque; null on the last page). */
export interface PostsAnswer {
  posts: ListedPost[];
  next: string | null;
}

/** GET /config: what a page needs to offer filters — ids, names and types, nothing else of the config. */
export interface ConfigAnswer {
  topics: { id: string; name: string }[];
  sources: { id: string; type: string; topics: string[] }[];
}
