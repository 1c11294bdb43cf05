// The YouTube Data API v3 answers this source reads, as its discovery document describes them
// (youtube:v3, schemas CommentThreadListResponse, CommentThread, CommentListResponse, Comment,
// CommentSnippet, SearchListResponse, SearchResult, VideoListResponse; see
// test/fixtures/youtube/README.md). A list's envelope must match or the answer is not the API's;
// each item is read on its own, and one that does not match is counted, never dropped silently.
// Unknown fields are ignored: the API adds them.

import { z } from 'zod';

/** Every list answer: its items (read one by one) and the token of the next page, absent on the last. */
export const listSchema = z.object({
  kind: z.string().optional(),
  items: z.array(z.unknown()),
  nextPageToken: z.string().min(1).optional(),
});

const time = z.iso.datetime({ offset: true });

/** A comment: a thread's top-level comment or a reply (`parentId` set, id `PARENT.REPLY`). */
export const commentSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({
    videoId: z.string().min(1).optional(),
    parentId: z.string().min(1).optional(),
    authorDisplayName: z.string().optional(),
    /** As written (the source asks for textFormat=plainText, so textDisplay is plain too). */
    textOriginal: z.string().optional(),
    textDisplay: z.string(),
    /** When it was first posted: an edit (updatedAt) never moves a comment. */
    publishedAt: time,
  }),
});

export const commentThreadSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({
    videoId: z.string().min(1).optional(),
    channelId: z.string().optional(),
    topLevelComment: commentSchema,
    /** Replies the thread has; `replies.comments` carries only some of them. */
    totalReplyCount: z.number().int().nonnegative().default(0),
  }),
  replies: z.object({ comments: z.array(z.unknown()).default([]) }).optional(),
});

export const searchResultSchema = z.object({
  id: z.object({ kind: z.string().optional(), videoId: z.string().min(1) }),
  snippet: z.object({ title: z.string().default(''), publishedAt: time }),
});

export const videoSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({ title: z.string() }),
});

/** Google's error body: `{ error: { code, message, errors: [{ reason, domain, message }] } }`. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), domain: z.string().optional(), message: z.string().optional() })).optional(),
    details: z.array(z.object({ reason: z.string().optional() }).loose()).optional(),
  }),
});

export type Comment = z.output<typeof commentSchema>;
export type CommentThread = z.output<typeof commentThreadSchema>;
export type SearchResult = z.output<typeof searchResultSchema>;
