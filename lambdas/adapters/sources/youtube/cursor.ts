// What a youtube source keeps between passes (SourceState.cursor, JSON): per target (a video, or a
// channel's threads) the newest-first walk's position, marked by the top-level comment's publishedAt
// in epoch ms; the last search for new videos and what it found; and the titles of videos seen, so
// each costs one videos.list lookup, not one a pass.

import { z } from 'zod';
import type { WalkCursor } from '../api/walk.ts';

/** The cursor is kept across config changes: each target's walk is keyed by what it reads. */
export const CURSOR_FOR = 'youtube-comments';

const walkSchema = z.object({
  newest: z.number().nullable(),
  pending: z.object({ token: z.string(), stopAt: z.number().nullable() }).nullable(),
});

const foundVideoSchema = z.object({ id: z.string(), title: z.string(), publishedAt: z.string() });

export const cursorSchema = z.object({
  v: z.literal(1),
  for: z.string(),
  /** By target key: `video:<id>` or `channel:<id>`. */
  walks: z.record(z.string(), walkSchema),
  /** The last search for new videos (`query`), when it ran, and the videos found, newest first. */
  search: z.object({ query: z.string(), at: z.string(), videos: z.array(foundVideoSchema) }).nullable(),
  /** [video id, title], most recently used first. */
  titles: z.array(z.tuple([z.string(), z.string()])),
});

export type YoutubeCursor = z.output<typeof cursorSchema>;
export type ThreadWalk = WalkCursor<string, number>;
export type Discovery = NonNullable<YoutubeCursor['search']>;
export type FoundVideo = Discovery['videos'][number];
