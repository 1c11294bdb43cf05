// What Lemmy's PostView and CommentView name alike in API v3 and v4 (ap_id, featured_community,
// deleted, removed, …), read into the fields items.ts maps to a Post. What differs by version stays in
// v3.ts and v4.ts and is handed in here: the time's name (`published`, `published_at`), whether the
// creator and the commented post may be missing, and how strictly each field is read.

import type { CommentFields, PostFields } from './items.ts';

/** A PostView's `post`, as either version's schema reads it. */
interface WirePost {
  id: number;
  name: string | null;
  url: string | null;
  body: string | null;
  ap_id: string | null;
  deleted: boolean;
  removed: boolean;
  featured_community: boolean;
}

/** A CommentView's `comment`, as either version's schema reads it. */
interface WireComment {
  id: number;
  content: string | null;
  ap_id: string | null;
  deleted: boolean;
  removed: boolean;
}

/** The version's own reading of the item's time and creator's name. */
interface ByVersion {
  published: string | null;
  creator: string | null;
}

export function postFields(post: WirePost, { published, creator }: ByVersion): PostFields {
  return {
    id: post.id,
    name: post.name,
    url: post.url,
    body: post.body,
    apId: post.ap_id,
    published,
    deleted: post.deleted,
    removed: post.removed,
    featured: post.featured_community,
    creator,
  };
}

export function commentFields(comment: WireComment, { published, creator, postName }: ByVersion & { postName: string | null }): CommentFields {
  return {
    id: comment.id,
    content: comment.content,
    apId: comment.ap_id,
    published,
    deleted: comment.deleted,
    removed: comment.removed,
    postName,
    creator,
  };
}
