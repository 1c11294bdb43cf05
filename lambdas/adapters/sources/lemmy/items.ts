// A community's post or comment as the walk reads it, whichever API version served it: its id and
// time (the list's order), whether it counts, and the Post it stands for. v3.ts and v4.ts read their
// wire shapes into the fields below (through views.ts); the mapping to Post is one for both.

import { collapseWhitespace, dedupKeyFor } from '../../../core/normalise.ts';
import type { Post } from '../../../core/types.ts';
import { markdownToPlainText } from '../api/markdown.ts';
import { apiTimeMs } from '../api/shape.ts';

export interface ListedItem {
  id: number;
  publishedMs: number | null;
  /** Deleted by its author or removed by a moderator: not counted. */
  gone: boolean;
  /** Pinned in the community: a community's post list puts these first, whatever their time. */
  featured: boolean;
  post: Post;
}

/** Where the items come from: ids of items without an `ap_id` are made into links on this instance. */
export interface ItemContext {
  instance: string;
  sourceId: string;
}

export interface PostFields {
  id: number;
  name: string | null;
  /** A link post's article. */
  url: string | null;
  body: string | null;
  apId: string | null;
  published: string | null;
  deleted: boolean;
  removed: boolean;
  featured: boolean;
  creator: string | null;
}

export interface CommentFields {
  id: number;
  content: string | null;
  apId: string | null;
  published: string | null;
  deleted: boolean;
  removed: boolean;
  /** The name of the post it comments on. */
  postName: string | null;
  creator: string | null;
}

export function listedPost(fields: PostFields, ctx: ItemContext): ListedItem {
  const postId = fields.apId ?? `${ctx.instance}/post/${fields.id}`;
  return {
    id: fields.id,
    publishedMs: apiTimeMs(fields.published),
    gone: fields.deleted || fields.removed,
    featured: fields.featured,
    post: {
      sourceId: ctx.sourceId,
      id: postId,
      // A link post is about its article: the article's URL makes it the same story as the feed item.
      dedupKey: dedupKeyFor(fields.url ?? fields.apId, ctx.sourceId, postId),
      link: fields.apId,
      author: fields.creator,
      title: collapseWhitespace(fields.name ?? ''),
      text: markdownToPlainText(fields.body ?? ''),
      published: isoOrNull(fields.published),
    },
  };
}

export function listedComment(fields: CommentFields, ctx: ItemContext): ListedItem {
  const commentId = fields.apId ?? `${ctx.instance}/comment/${fields.id}`;
  return {
    id: fields.id,
    publishedMs: apiTimeMs(fields.published),
    gone: fields.deleted || fields.removed,
    featured: false,
    post: {
      sourceId: ctx.sourceId,
      id: commentId,
      dedupKey: dedupKeyFor(fields.apId, ctx.sourceId, commentId),
      link: fields.apId,
      author: fields.creator,
      title: `Comment on: ${collapseWhitespace(fields.postName ?? '')}`,
      text: markdownToPlainText(fields.content ?? ''),
      published: isoOrNull(fields.published),
    },
  };
}

function isoOrNull(raw: string | null): string | null {
  const ms = apiTimeMs(raw);
  return ms === null ? null : new Date(ms).toISOString();
}
