// The short, fixed-size id a post is stored and counted under, shared by the store (post items and
// the buckets' counted-id sets) and by each source's memory of what it has counted.

import { createHash } from 'node:crypto';

/**
 * 72 bits of the dedup key's hash (collisions are not a practical concern at a campaign's scale):
 * 12 characters, so the sets that hold these stay small.
 */
export const postId = (dedupKey: string): string => createHash('sha256').update(dedupKey).digest('base64url').slice(0, 12);
