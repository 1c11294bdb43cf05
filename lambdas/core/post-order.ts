// The order posts are listed in, newest first, and the position a page ends at: by the hour the post
// counts in, then its published time (none: the hour's start), then its id, so pages never overlap
// or skip a post (a post's hour and time never change once stored).

import type { ListedPost, PostPosition } from './types.ts';

const timeOf = (p: PostPosition) => p.published ?? p.bucketStart;

/** Negative when `a` comes first (is newer). */
export function comparePostOrder(a: PostPosition, b: PostPosition): number {
  if (a.bucketStart !== b.bucketStart) return a.bucketStart < b.bucketStart ? 1 : -1;
  const at = timeOf(a);
  const bt = timeOf(b);
  if (at !== bt) return at < bt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const isAfterPosition = (post: PostPosition, position: PostPosition): boolean => comparePostOrder(post, position) > 0;

export const positionOf = (post: ListedPost): PostPosition => ({ bucketStart: post.bucketStart, published: post.published, id: post.id });
