// Which posts an alert or a digest quotes: petition mentions first, then the strongest feelings; each story
// once. Replies in one forum thread or comments under one video share a title but not a link, and
// one story linked from two sources shares a link: either makes it the same line for a reader.

import type { TopPost } from './types.ts';

const titleKey = (title: string) => title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

export function rankTopPosts<T extends TopPost>(posts: readonly T[], limit: number): T[] {
  const seen = new Set<string>();
  return [...posts]
    .sort(
      (a, b) =>
        Number(b.petition) - Number(a.petition) ||
        Math.abs(b.score) - Math.abs(a.score) ||
        a.title.localeCompare(b.title),
    )
    .filter((post) => {
      const title = titleKey(post.title);
      const keys = [...(post.link ? [`link:${post.link}`] : []), ...(title ? [`title:${title}`] : [])];
      // Neither link nor title: one such line says all there is to say.
      if (keys.length === 0) keys.push('untitled');
      if (keys.some((key) => seen.has(key))) return false;
      keys.forEach((key) => seen.add(key));
      return true;
    })
    .slice(0, limit);
}
