// The `youtube` source type: comments and replies on given videos, on a channel's videos
// (allThreadsRelatedToChannelId), and on new videos a search finds, through the YouTube Data API v3
// with a key (YOUTUBE_API_KEY). Each target is walked newest first from the newest comment seen
// (api/walk.ts), down to the 30-day horizon on a first run. Every request is counted in quota units
// and the pass's total shown in source health; a used-up daily quota defers the source to its reset
// (requests.ts). A video with comments turned off, or gone, is skipped and named in health.

import type { SourceOf } from '../../../config/schema.ts';
import type { Fetcher, Source } from '../../../core/ports.ts';
import type { Post } from '../../../core/types.ts';
import { requireCredentials, type SourceCredentials } from '../api/credentials.ts';
import { cursorPoll, readCursorAs } from '../api/cursor.ts';
import { catchUpHorizonMs } from '../api/horizon.ts';
import { createRejectionCounter } from '../api/rejections.ts';
import { FRESH_WALK } from '../api/walk.ts';
import { CURSOR_FOR, cursorSchema, type Discovery, type ThreadWalk, type YoutubeCursor } from './cursor.ts';
import { discoverVideos, nextSearchAt } from './discovery.ts';
import { commentPost } from './mapping.ts';
import { createYoutubeApi, YoutubeApiError } from './requests.ts';
import { channelTarget, readThreads, videoTarget, type ThreadComment, type ThreadTarget } from './threads.ts';
import { lookUpTitles, titlesToKeep } from './titles.ts';

export interface YoutubeDeps {
  fetcher: Fetcher;
  credentials: SourceCredentials;
  /** Thread pages (100 threads, 1 quota unit each) read per video or channel per pass. @default 5 */
  pagesPerPass?: number;
}

export const YOUTUBE_PAGES_PER_PASS = 5;

const KEY_HELP = 'a YouTube Data API v3 key: Google Cloud console → APIs & Services → Credentials → Create credentials → API key';

/** Per-video refusals that leave the other targets readable: the video is skipped and named in health. */
const SKIPPED = { commentsDisabled: 'comments are off', videoNotFound: 'not found (deleted, private or a wrong id)' } as const;
type SkipReason = keyof typeof SKIPPED;
const isSkip = (error: unknown): error is YoutubeApiError & { reason: SkipReason } =>
  error instanceof YoutubeApiError && error.reason !== null && error.reason in SKIPPED;

export function createYoutubeSource(config: SourceOf<'youtube'>, deps: YoutubeDeps): Source {
  const pagesPerPass = deps.pagesPerPass ?? YOUTUBE_PAGES_PER_PASS;
  return {
    id: config.id,
    async poll(state, now) {
      const { YOUTUBE_API_KEY: key } = requireCredentials(deps.credentials, ['YOUTUBE_API_KEY'], KEY_HELP);
      const api = createYoutubeApi(deps.fetcher, key, config.baseUrl, now);
      const previous = readCursorAs(state.cursor, cursorSchema, CURSOR_FOR);
      const rejections = createRejectionCounter();
      const horizonMs = catchUpHorizonMs(now);

      let discovery: Discovery | null = null;
      let searched = false;
      if (config.query !== undefined) {
        ({ discovery, searched } = await discoverVideos(api, { query: config.query, channel: config.channel }, previous?.search ?? null, now, horizonMs, rejections));
      }
      const found = (discovery?.videos ?? []).map((video) => video.id).filter((id) => !config.videos.includes(id));
      const targets: ThreadTarget[] = [...config.videos, ...found].map(videoTarget);
      if (config.channel !== undefined) targets.push(channelTarget(config.channel));

      const walks: Record<string, ThreadWalk> = {};
      const comments = new Map<string, ThreadComment>();
      const skipped: { subject: string; error: YoutubeApiError & { reason: SkipReason } }[] = [];
      for (const target of targets) {
        const before = previous?.walks[target.key] ?? FRESH_WALK;
        try {
          const read = await readThreads(api, target, before, { pagesPerPass, horizonMs, rejections });
          walks[target.key] = read.walk;
          // A channel's threads include those of a listed video: each comment once.
          for (const item of read.comments) comments.set(item.comment.id, item);
        } catch (error) {
          if (!isSkip(error)) throw error;
          walks[target.key] = before;
          skipped.push({ subject: target.subject, error });
        }
      }
      // Nothing readable and a video unknown: a wrong id is the user's to fix, so the source fails.
      const missing = skipped.find((s) => s.error.reason === 'videoNotFound');
      if (missing && skipped.length === targets.length) throw missing.error;

      const titles = new Map(previous?.titles ?? []);
      for (const video of discovery?.videos ?? []) titles.set(video.id, video.title);
      const onVideos = [...comments.values()].map((item) => item.videoId).filter((id): id is string => id !== null);
      await lookUpTitles(api, onVideos, titles, rejections);
      const posts: Post[] = [...comments.values()].map(({ comment, videoId }) =>
        commentPost(comment, videoId, config.id, videoId === null ? null : (titles.get(videoId) ?? null)),
      );

      const cursor: YoutubeCursor = {
        v: 1,
        for: CURSOR_FOR,
        walks,
        search: discovery,
        titles: titlesToKeep(titles, [...onVideos, ...config.videos, ...found]),
      };
      const detail = describePass({
        videos: config.videos.length + found.length,
        found: found.length,
        channel: config.channel,
        query: config.query,
        discovery,
        searched,
        skipped: skipped.map((s) => `${s.subject}: ${SKIPPED[s.error.reason]}`),
        units: api.unitsUsed(),
      });
      return cursorPoll({ posts, cursor, rejections, detail });
    },
  };
}

interface PassSummary {
  videos: number;
  found: number;
  channel: string | undefined;
  query: string | undefined;
  discovery: Discovery | null;
  searched: boolean;
  skipped: string[];
  units: number;
}

/** What `fanpulse sources` shows: what the pass read, what it skipped and why, and its quota cost. */
function describePass(pass: PassSummary): string {
  const read: string[] = [];
  if (pass.videos > 0 || pass.channel === undefined) {
    const found = pass.query !== undefined ? ` (${pass.found} found by searching "${pass.query}")` : '';
    read.push(`${pass.videos} video${pass.videos === 1 ? '' : 's'}${found}`);
  }
  if (pass.channel !== undefined) read.push(`channel ${pass.channel}`);
  const parts = [`read comments on ${read.join(' and ')}`];
  if (pass.discovery) {
    const next = nextSearchAt(pass.discovery).toISOString();
    parts.push(pass.searched ? `searched for new videos (next search after ${next})` : `next search for new videos after ${next}`);
  }
  if (pass.skipped.length > 0) parts.push(`skipped ${pass.skipped.join(', ')}`);
  parts.push(`used ${pass.units} quota unit${pass.units === 1 ? '' : 's'} this pass`);
  return parts.join('; ');
}
