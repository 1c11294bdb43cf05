// One Reddit thing, a post (t3) or a comment (t1), as both listing formats describe it (the JSON
// listings in json-listing.ts, the Atom listings in rss-listing.ts), and the Post it becomes. Both
// formats map through here, so the same post read in either mode is the same Post: the same id
// (its fullname), link, text and dedup key, and a source that switches modes never counts it twice.

import { absoluteHttpUrl } from '../../../core/canonical-link.ts';
import { collapseWhitespace, dedupKeyFor } from '../../../core/normalise.ts';
import type { Post } from '../../../core/types.ts';

/** Links always point at Reddit itself, whichever host (public, OAuth, a mirror) was read. */
const SITE = 'https://www.reddit.com';

export interface RedditThing {
  kind: 't3' | 't1';
  /** The fullname (`t3_1p4x0a9`): the post's id, and its place in the listing. */
  name: string;
  createdMs: number;
  /** The permalink, absolute or site-relative. */
  permalink: string;
  author: string | null;
  /** A post's title; for a comment, the title of the post it answers ('' when not given). */
  title: string;
  /** The body as one line of plain text. */
  text: string;
  /** Where a link post points (an article, an image); null for a self post and a comment. */
  target: string | null;
  /** Reddit says it was removed (the JSON's `removed_by_category`; the Atom listings do not say). */
  removed: boolean;
}

const GONE = new Set(['[deleted]', '[removed]']);

/** Deleted by its author, removed by moderators or Reddit: not counted (and Reddit's terms say not kept). */
export function isGone(thing: RedditThing): boolean {
  return thing.removed || GONE.has((thing.author ?? '').trim()) || GONE.has(thing.text);
}

export function toPost(thing: RedditThing, sourceId: string): Post {
  const link = absoluteHttpUrl(thing.permalink, SITE);
  // A link post shares its article's key, so the story seen here and in a feed counts once per topic.
  const article = thing.kind === 't3' ? externalUrl(thing.target) : null;
  const title = collapseWhitespace(thing.title);
  return {
    sourceId,
    id: thing.name,
    dedupKey: dedupKeyFor(article ?? link, sourceId, thing.name),
    link,
    author: collapseWhitespace(thing.author ?? '') || null,
    title: thing.kind === 't3' ? title : title ? `Comment on: ${title}` : 'Comment',
    text: thing.text,
    published: Number.isNaN(thing.createdMs) ? null : new Date(thing.createdMs).toISOString(),
  };
}

/**
 * A comment's link when the answer has no `permalink` (older API answers and archive dumps leave it
 * out): Reddit resolves any slug, so `_` stands in for the post's.
 */
export function commentPermalink(subreddit: string, linkId: string, commentId: string): string {
  return `/r/${subreddit}/comments/${linkId.replace(/^t3_/, '')}/_/${commentId}/`;
}

const REDDIT_HOSTS = /(^|\.)(reddit\.com|redd\.it|redditmedia\.com|redditstatic\.com)$/i;

/** A link post's target when it is off Reddit (an article); images, videos, galleries and crossposts stay on Reddit. */
function externalUrl(url: string | null): string | null {
  const absolute = absoluteHttpUrl(url, SITE);
  if (!absolute) return null;
  return REDDIT_HOSTS.test(new URL(absolute).hostname) ? null : absolute;
}
