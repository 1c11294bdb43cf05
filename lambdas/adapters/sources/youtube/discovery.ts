// Finding new videos for a source's `query`: search.list costs 100 quota units a call (a tenth of
// a project's default day), so a source searches at most once an hour, remembers when in its
// cursor, and reads the comments of the newest videos found alongside its configured ones.

import { readItems, type RejectionCounter } from '../api/rejections.ts';
import type { Discovery, FoundVideo } from './cursor.ts';
import type { YoutubeApi } from './requests.ts';
import { searchResultSchema } from './wire.ts';

export const SEARCH_EVERY_MS = 3_600_000;
/** Videos found by search whose comments are read: each costs at least a unit a pass. */
export const FOUND_VIDEOS_KEPT = 20;
/** One page of results, the newest: more would cost another 100 units. */
const SEARCH_PAGE_SIZE = '50';

export interface SearchFor {
  query: string;
  channel: string | undefined;
}

/** When the next search is due after the one in `discovery`. */
export const nextSearchAt = (discovery: Discovery): Date => new Date(Date.parse(discovery.at) + SEARCH_EVERY_MS);

/** The videos to read for `search`: searched again when the last search is an hour old or was for another query. */
export async function discoverVideos(
  api: YoutubeApi,
  search: SearchFor,
  previous: Discovery | null,
  now: Date,
  horizonMs: number,
  rejections: RejectionCounter,
): Promise<{ discovery: Discovery; searched: boolean }> {
  const same = previous !== null && previous.query === search.query;
  if (same && nextSearchAt(previous).getTime() > now.getTime()) return { discovery: previous, searched: false };
  const params: Record<string, string> = {
    part: 'snippet',
    type: 'video',
    order: 'date',
    q: search.query,
    maxResults: SEARCH_PAGE_SIZE,
    // New videos only (within the catch-up horizon); an older video worth reading belongs in `videos`.
    publishedAfter: new Date(horizonMs).toISOString(),
  };
  if (search.channel) params['channelId'] = search.channel;
  const page = await api.list('search', params, `the search "${search.query}"`);
  const found = readItems(page.items, searchResultSchema, rejections, (item, index) => `search result #${index + 1} for "${search.query}"`);
  const videos = new Map<string, FoundVideo>();
  // Newer answers win (a changed title); the search's videos first, then the ones found before.
  for (const result of found) videos.set(result.id.videoId, { id: result.id.videoId, title: result.snippet.title, publishedAt: result.snippet.publishedAt });
  for (const video of same ? previous.videos : []) if (!videos.has(video.id)) videos.set(video.id, video);
  const newest = [...videos.values()].sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt)).slice(0, FOUND_VIDEOS_KEPT);
  return { discovery: { query: search.query, at: now.toISOString(), videos: newest }, searched: true };
}
