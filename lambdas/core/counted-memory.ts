// A steady pass reads almost nothing: each source remembers the posts of its last listing that are
// already stored and counted for it, and only the others go to the store. Feeds list the same
// posts pass after pass, so without this every pass re-read each listed post to learn it was known.
//
// Why it is as exact as the re-read: the memory is written with the source's state, after the
// pass's ingest has stored every post and bucket contribution it covers (the order cursors and
// validators already follow), so a crash anywhere before that leaves the old memory and the re-run
// re-reads. It only ever names posts counted in both of the source's scopes (its own and the
// topic-wide) for every topic they matched; and it is dropped when the topics it was matched
// against change, so a post re-listed under a new keyword or exclusion is matched and stored as if
// never seen by this source (the bucket's counted-id sets still keep it from counting twice).

import { createHash } from 'node:crypto';
import type { Topic } from '../config/schema.ts';
import { postId } from './post-id.ts';
import type { CountedPosts, ScoredPost } from './types.ts';

/**
 * Posts remembered per source: 200 ids are about 2.6 KB, so a source's state stays one 4 KB read
 * unit. A listing with more matching posts than this re-reads the oldest of them each pass.
 */
export const MAX_REMEMBERED = 200;

/** Bumped when matching itself changes meaning, so every memory is dropped once. */
const MATCHING_VERSION = 1;

/** What a source's posts were matched against: its topics' definitions, in its order. */
export function matchingFingerprint(topics: readonly Topic[]): string {
  const definitions = topics.map(({ id, keywords, exclude, petitionKeywords }) => ({ id, keywords, exclude, petitionKeywords }));
  return createHash('sha256').update(JSON.stringify([MATCHING_VERSION, definitions])).digest('base64url').slice(0, 16);
}

/** The posts the source does not remember having counted under these topics: the only ones the store needs to see. */
export function unremembered(scored: readonly ScoredPost[], memory: CountedPosts | null | undefined, fingerprint: string): ScoredPost[] {
  if (!memory || memory.for !== fingerprint) return [...scored];
  const known = new Set(memory.ids);
  return scored.filter((post) => !known.has(postId(post.dedupKey)));
}

/** The memory after this listing is stored: its matching posts, newest first, at most MAX_REMEMBERED. */
export function rememberListing(scored: readonly ScoredPost[], fingerprint: string): CountedPosts {
  const newestFirst = [...scored].sort((a, b) => (a.bucketStart < b.bucketStart ? 1 : a.bucketStart > b.bucketStart ? -1 : 0));
  const ids = [...new Set(newestFirst.map((post) => postId(post.dedupKey)))].slice(0, MAX_REMEMBERED);
  return { for: fingerprint, ids };
}
