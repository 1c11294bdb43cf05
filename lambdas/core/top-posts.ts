// Which posts an alert or a digest quotes: petition mentions first, then the strongest feelings.

import type { TopPost } from './types.ts';

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
      const key = post.link ?? post.title;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, limit);
}
