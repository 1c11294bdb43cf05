// One target's comment threads (a video's, or every thread related to a channel), read newest
// first with the shared resumable walk: commentThreads.list with order=time lists threads by their
// top-level comment, newest first, 100 a page. A thread carries only some of its replies
// (`replies.comments`, versus `snippet.totalReplyCount`); the rest come from comments.list?parentId.

import { readItems, type RejectionCounter } from '../api/rejections.ts';
import { pageBudget, pollNewestFirst, type NewestFirstListing } from '../api/walk.ts';
import type { ThreadWalk } from './cursor.ts';
import type { YoutubeApi } from './requests.ts';
import { commentSchema, commentThreadSchema, type Comment, type CommentThread } from './wire.ts';

export interface ThreadTarget {
  /** Key of its walk in the cursor. */
  key: string;
  /** The commentThreads.list filter: videoId or allThreadsRelatedToChannelId. */
  filter: Record<string, string>;
  /** How errors and health name it. */
  subject: string;
}

export const videoTarget = (id: string): ThreadTarget => ({ key: `video:${id}`, filter: { videoId: id }, subject: `video ${id}` });
export const channelTarget = (id: string): ThreadTarget => ({ key: `channel:${id}`, filter: { allThreadsRelatedToChannelId: id }, subject: `channel ${id}` });

/** The most a list page holds (commentThreads.list and comments.list: 1 to 100). */
const PAGE_SIZE = '100';
/** Reply pages read for one thread: 500 replies, more than YouTube shows under a comment. */
const REPLY_PAGES = 5;

/** A comment or reply, and the video it is on: replies read with comments.list may not name it. */
export interface ThreadComment {
  comment: Comment;
  videoId: string | null;
}

export interface ThreadLimits {
  /** Thread pages read per target per pass (1 quota unit each). */
  pagesPerPass: number;
  horizonMs: number;
  rejections: RejectionCounter;
}

const publishedMs = (thread: CommentThread): number => Date.parse(thread.snippet.topLevelComment.snippet.publishedAt);

const named = (kind: string, subject: string) => (item: unknown, index: number) => {
  const id = (item as { id?: unknown } | null)?.id;
  return `${kind} ${typeof id === 'string' ? id : `#${index + 1}`} on ${subject}`;
};

/** What is new on `target` since `walk` (and more of an unfinished walk): its comments and replies. */
export async function readThreads(api: YoutubeApi, target: ThreadTarget, walk: ThreadWalk, limits: ThreadLimits): Promise<{ walk: ThreadWalk; comments: ThreadComment[] }> {
  const taken: CommentThread[] = [];
  const listing: NewestFirstListing<CommentThread, string, number> = {
    budget: pageBudget(limits.pagesPerPass),
    async read(token) {
      const params: Record<string, string> = { part: 'snippet,replies', ...target.filter, order: 'time', maxResults: PAGE_SIZE, textFormat: 'plainText' };
      if (token !== null) params['pageToken'] = token;
      const page = await api.list('commentThreads', params, target.subject);
      return { items: readItems(page.items, commentThreadSchema, limits.rejections, named('comment thread', target.subject)), next: page.next };
    },
    mark: publishedMs,
    compare: (a, b) => a - b,
    beforeHorizon: (thread) => publishedMs(thread) < limits.horizonMs,
    take: (thread) => void taken.push(thread),
  };
  const next = await pollNewestFirst(listing, walk);
  const comments: ThreadComment[] = [];
  for (const thread of taken) {
    const top = thread.snippet.topLevelComment;
    const videoId = thread.snippet.videoId ?? top.snippet.videoId ?? null;
    comments.push({ comment: top, videoId });
    for (const reply of await repliesOf(api, thread, target.subject, limits.rejections)) comments.push({ comment: reply, videoId });
  }
  return { walk: next, comments };
}

/** The thread's replies: those it carries when they are all, else every page of comments.list. */
async function repliesOf(api: YoutubeApi, thread: CommentThread, subject: string, rejections: RejectionCounter): Promise<Comment[]> {
  const carried = thread.replies?.comments ?? [];
  if (thread.snippet.totalReplyCount <= carried.length) return readItems(carried, commentSchema, rejections, named('reply', subject));
  const replies: Comment[] = [];
  let token: string | null = null;
  for (let pages = 0; pages < REPLY_PAGES; pages += 1) {
    const params: Record<string, string> = { part: 'snippet', parentId: thread.id, maxResults: PAGE_SIZE, textFormat: 'plainText' };
    if (token !== null) params['pageToken'] = token;
    const page = await api.list('comments', params, `the replies to comment ${thread.id} on ${subject}`);
    replies.push(...readItems(page.items, commentSchema, rejections, named('reply', subject)));
    token = page.next;
    if (token === null) break;
  }
  return replies;
}
