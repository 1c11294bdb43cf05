// Video titles for the posts' titles ("Comment on: <video title>"): videos.list costs a unit for up
// to 50 videos, and a title once read (or found by search) is kept in the cursor, so a video costs
// one lookup, not one a pass.

import { readItems, type RejectionCounter } from '../api/rejections.ts';
import type { YoutubeApi } from './requests.ts';
import { videoSchema } from './wire.ts';

/** The most ids videos.list takes at once. */
const IDS_PER_CALL = 50;
/** Titles kept in the cursor: the most recently used. */
const TITLES_KEPT = 200;

/** Adds to `titles` those of `ids` it lacks; a video the API no longer has stays untitled. */
export async function lookUpTitles(api: YoutubeApi, ids: Iterable<string>, titles: Map<string, string>, rejections: RejectionCounter): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !titles.has(id));
  for (let start = 0; start < missing.length; start += IDS_PER_CALL) {
    const batch = missing.slice(start, start + IDS_PER_CALL);
    const page = await api.list('videos', { part: 'snippet', id: batch.join(','), maxResults: String(IDS_PER_CALL) }, `videos ${batch.join(', ')}`);
    for (const video of readItems(page.items, videoSchema, rejections, (_item, index) => `video #${index + 1} of a title lookup`)) titles.set(video.id, video.snippet.title);
  }
}

/** The titles to keep: those of `used` first, then the others as they were, up to the cap. */
export function titlesToKeep(titles: Map<string, string>, used: Iterable<string>): [string, string][] {
  const kept = new Map<string, string>();
  for (const id of used) {
    const title = titles.get(id);
    if (title !== undefined) kept.set(id, title);
  }
  for (const [id, title] of titles) if (!kept.has(id)) kept.set(id, title);
  return [...kept].slice(0, TITLES_KEPT);
}
