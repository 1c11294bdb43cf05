// A topic-hour's bucket as a tree of items ("nodes"), so an hour has no ceiling on its posts, and
// the one place that reads a topic-hour back: every reader sums the nodes of an hour through here.
//
// The root node is the item an hour has always had (TREND#<topic> / <hour>), so a small campaign's
// hour stays one item and one read, and items written before nodes existed are roots as they are.
// When a node nears NODE_BYTES it is closed in the same write that adds its last posts; after
// that it never changes, and what it could not take goes to its children (`<hour>#<path>`, one
// character more of path per level). Which child is fixed per (scope, post): the next character
// of its route key (the post id, base64url, so 64 even children; for a source's scope the
// source's own character first, so one source's posts gather in few nodes instead of paying for
// the source's counter names in every node). A post is therefore counted in a scope exactly when
// its id is in that scope's set in one node of its route path: the root down to the first node
// that is open. A writer reads those nodes and writes only to the open one under its version, and
// closing bumps the version, so two writers can never both count a post (one of them has to
// re-read); writers of different posts mostly write different nodes and do not wait on each other.

import { createHash } from 'node:crypto';
import { addCounts, COUNTERS, readCounts, zeroCounts, type BucketCounts, type Counter } from '../../core/bucket-counts.ts';
import type { CountedIds } from '../../core/recount.ts';
import type { Item } from './table-client.ts';

/**
 * Where a node closes. A write costs one unit per KB of the item it changes, so a hot hour's
 * writes cost at most 64 units each where one 400 KB item cost up to 400; about 2,400 posts (in
 * one source's scope and the topic's) fit in one node, so a small campaign's hour never splits.
 * The margin under DynamoDB's 400 KB keeps the estimate below safe.
 */
export const NODE_BYTES = 64 * 1024;

/** Attribute of a counter scope: topic-wide (source null) or one source's own. */
export const scopeAttr = (source: string | null, field: Counter | 'ids') => (source === null ? field : `src:${source}:${field}`);

/** The source ids whose own scopes a bucket item holds. */
export const scopeSources = (item: Item): string[] =>
  Object.keys(item)
    .filter((name) => name.startsWith('src:') && name.endsWith(':ids'))
    .map((name) => name.slice('src:'.length, -':ids'.length));

/** The sort key of a node: the hour alone for the root (as before nodes existed). */
export const nodeSk = (hour: string, path: string) => (path === '' ? hour : `${hour}#${path}`);

/** The hour and path of a bucket item, from its sort key. */
export function nodeOf(item: Item): { hour: string; path: string } {
  const sk = String(item.sk);
  const at = sk.indexOf('#');
  return at < 0 ? { hour: sk, path: '' } : { hour: sk.slice(0, at), path: sk.slice(at + 1) };
}

export const isClosed = (item: Item | null | undefined) => item?.closed === true;

export const countedIn = (item: Item | null | undefined, scope: string | null) => item?.[scopeAttr(scope, 'ids')] as Set<string> | undefined;

const sourceChar = new Map<string, string>();
/** What routes a post's count in a scope down the tree: one character per level. */
export function routeKey(scope: string | null, id: string): string {
  if (scope === null) return id;
  let first = sourceChar.get(scope);
  if (first === undefined) sourceChar.set(scope, (first = createHash('sha256').update(scope).digest('base64url')[0]!));
  return first + id;
}

/** The child of `path` that a route key goes on to, or null when the key is used up (a node then holds one post: never full). */
export const childPath = (path: string, key: string): string | null => (path.length < key.length ? path + key[path.length] : null);

/** Bytes a number may take (DynamoDB: up to 38 digits, about 21 bytes). */
const NUMBER_BYTES = 21;

/** An upper estimate of an item's size as DynamoDB counts it (names plus values). */
export function itemBytes(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name) + valueBytes(value);
  return total;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return NUMBER_BYTES;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Set) {
    let total = 0;
    for (const element of value) total += valueBytes(element) + 1;
    return total;
  }
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + valueBytes(element) + 1, 0);
  if (value instanceof Uint8Array) return value.byteLength;
  return 3 + itemBytes(value as Item) + Object.keys(value as Item).length;
}

/** What one more post costs a node in a scope: its id, and the scope's counter names when the node has none of that scope yet. */
export const entryBytes = (scope: string | null, id: string, scopeIsNew: boolean): number =>
  Buffer.byteLength(id) + 1 + (scopeIsNew ? COUNTERS.length * (scopeAttr(scope, 'petitionSentimentSum').length + NUMBER_BYTES) + scopeAttr(scope, 'ids').length : 0);

/** Each hour's counted ids per scope, over all its nodes. */
export function hourScopes(items: readonly Item[]): CountedIds {
  const hours: CountedIds = new Map();
  for (const item of items) {
    const { hour } = nodeOf(item);
    let scopes = hours.get(hour);
    if (!scopes) hours.set(hour, (scopes = new Map()));
    for (const scope of [null, ...scopeSources(item)]) {
      const ids = countedIn(item, scope);
      if (!ids || ids.size === 0) continue;
      const held = scopes.get(scope);
      if (held) for (const id of ids) held.add(id);
      else scopes.set(scope, new Set(ids));
    }
  }
  for (const [hour, scopes] of hours) if (scopes.size === 0) hours.delete(hour);
  return hours;
}

/** The counter attributes of one scope, for a projection (the counted-id sets can be large). */
export const counterNames = (scope: string | null): Record<string, string> => Object.fromEntries(COUNTERS.map((field, i) => [`#c${i}`, scopeAttr(scope, field)]));

/** Each hour's counters in one scope, summed over its nodes; hours where the scope counted nothing are left out. */
export function hourCounts(items: readonly Item[], scope: string | null): Map<string, BucketCounts> {
  const hours = new Map<string, BucketCounts>();
  for (const item of items) {
    if (item[scopeAttr(scope, 'posts')] === undefined) continue;
    const { hour } = nodeOf(item);
    const counts = readCounts(Object.fromEntries(COUNTERS.map((field) => [field, item[scopeAttr(scope, field)]])));
    addCounts(hours.get(hour) ?? hours.set(hour, zeroCounts()).get(hour)!, counts);
  }
  return hours;
}
