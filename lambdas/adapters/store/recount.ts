// The store's side of a recount (core/recount.ts decides what the buckets must hold): reading the
// stored posts of a period, what the buckets counted, and rewriting a bucket whole when it differs.
//
// Every write sets a target computed from the stored posts and the config, never adds to what is
// there, so a recount that crashed and runs again converges on the same items. A bucket is put
// whole under its optimistic `version` (a poll that wrote it meanwhile makes the recount stop, not
// overwrite; the pass lock keeps polls out anyway). An hour of several nodes is rewritten node by
// node: a crash half way leaves a mix, which the re-run finds unlike the target and rewrites.

import { isDeepStrictEqual } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../core/errors.ts';
import { mapConcurrent } from '../../core/map-concurrent.ts';
import type { BucketContents, BucketEntry, RecountStore } from '../../core/recount.ts';
import { COUNTERS } from '../../core/bucket-counts.ts';
import { HOUR_MS, iso } from '../../core/time.ts';
import { childPath, entryBytes, hourScopes, itemBytes, NODE_BYTES, nodeOf, nodeSk, routeKey, scopeAttr } from './bucket-nodes.ts';
import { addStoredTopics, rankBucketTop, scopeTotals, type BucketOptions } from './buckets.ts';
import { readStoredPost } from './post-item.ts';
import { justBefore, REQUEST_CONCURRENCY, sendConditional, type Item, type TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

/** What an item holds besides its counts: left out when comparing it with a target. */
const BOOKKEEPING = new Set(['pk', 'sk', 'version']);

export function recountStore(table: TableClient, { nodeBytes = NODE_BYTES }: BucketOptions = {}): RecountStore {
  const { client, tableName, send, queryAll, scanAll } = table;
  return {
    async storedPosts(since, until) {
      // A recount is rare and reads every post of the period once: a filtered scan, no index to keep up.
      const items = await scanAll({
        TableName: tableName,
        FilterExpression: 'sk = :post AND bucketStart BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':post': keys.post('').sk, ':since': since, ':until': justBefore(until) },
      });
      return items.map(readStoredPost);
    },

    async countedPosts(topic, since, until) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': keys.trendPartition(topic), ':since': since, ':until': justBefore(until) },
      });
      return hourScopes(items);
    },

    async rebuildBuckets(topic, hours) {
      if (hours.size === 0) return [];
      const pk = keys.trendPartition(topic);
      // Every node of these hours, fresh (for their versions), in one range query.
      const sorted = [...hours.keys()].sort();
      const held = new Map<string, Map<string, Item>>();
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': pk, ':since': sorted[0], ':until': justBefore(iso(Date.parse(sorted[sorted.length - 1]!) + HOUR_MS)) },
        ConsistentRead: true,
      });
      for (const item of items) {
        const { hour, path } = nodeOf(item);
        if (hours.has(hour)) (held.get(hour) ?? held.set(hour, new Map()).get(hour)!).set(path, item);
      }
      const writes = [...hours].flatMap(([hour, contents]) => {
        const target = layoutHour(topic, hour, contents, nodeBytes);
        const nodes = held.get(hour) ?? new Map<string, Item>();
        const paths = [...new Set([...target.keys(), ...nodes.keys()])];
        return paths.filter((path) => !sameCounts(nodes.get(path), target.get(path) ?? null)).map((path) => ({ hour, path, held: nodes.get(path), target: target.get(path) ?? null }));
      });
      const rewritten = new Set<string>();
      await mapConcurrent(writes, REQUEST_CONCURRENCY, async ({ hour, path, held: node, target }) => {
        const key = { pk, sk: nodeSk(hour, path) };
        const version = (node?.version as number | undefined) ?? 0;
        const guard = node
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': version } }
          : { ConditionExpression: 'attribute_not_exists(pk)' };
        // Here a failed condition is no answer but a failure, reported with what the table said.
        try {
          await send('bucket rebuild', () =>
            target
              ? client.send(new PutCommand({ TableName: tableName, Item: { ...key, version: version + 1, ...target }, ...guard }))
              : client.send(new DeleteCommand({ TableName: tableName, Key: key, ...guard })),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          throw new StoreError(`bucket ${pk} ${key.sk} changed during the recount; run it again`, { cause: error });
        }
        rewritten.add(hour);
      });
      if ([...hours.values()].some((contents) => contents.size > 0)) await addStoredTopics(table, new Set([topic]));
      return [...rewritten].sort();
    },

    async setPostTopics(posts) {
      await mapConcurrent(posts, REQUEST_CONCURRENCY, ({ id, topics, petitionTopics }) =>
        sendConditional(send, 'post topics', () =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keys.post(id),
              UpdateExpression: 'SET topics = :topics, petitionTopics = :petition',
              // A post that expired meanwhile is not brought back as a bare item.
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':topics': topics, ':petition': petitionTopics },
            }),
          ),
        ),
      );
    },
  };
}

/**
 * The nodes (by path, without keys and versions) of an hour holding exactly `contents`, laid out as
 * ingest lays them (bucket-nodes.ts): each node takes what fits in a fixed order and closes when
 * some does not, the rest going one level down. The same contents always give the same nodes, so a
 * recount re-run finds nothing to change; a tree ingest grew in another order is laid out anew once.
 */
function layoutHour(topic: string, hour: string, contents: BucketContents, nodeBytes: number): Map<string, Item> {
  const nodes = new Map<string, Item>();
  const byScope = [...contents].sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const entries = byScope.flatMap(([scope, list]) => list.map((entry) => ({ scope, entry, key: routeKey(scope, entry.id) })));
  const place = (path: string, list: typeof entries) => {
    const node: Item = { topic, bucketStart: hour };
    const taken = new Map<string | null, BucketEntry[]>();
    const rest: typeof entries = [];
    let size = itemBytes(node);
    for (const item of list) {
      const scope = taken.get(item.scope);
      const cost = entryBytes(item.scope, item.entry.id, !scope);
      if (rest.length > 0 || (size + cost > nodeBytes && taken.size > 0)) {
        rest.push(item);
        continue;
      }
      size += cost;
      if (scope) scope.push(item.entry);
      else taken.set(item.scope, [item.entry]);
    }
    for (const [scope, list] of taken) {
      const totals = scopeTotals(list);
      // As ingest writes them: zero counters left out (absent reads as 0).
      for (const field of COUNTERS) if (totals[field] !== 0) node[scopeAttr(scope, field)] = totals[field];
      node[scopeAttr(scope, 'ids')] = new Set(list.map((entry) => entry.id));
    }
    const topicWide = taken.get(null);
    if (topicWide) node.top = rankBucketTop([], topicWide);
    if (rest.length > 0) node.closed = true;
    nodes.set(path, node);
    const children = new Map<string, typeof entries>();
    for (const item of rest) {
      const child = childPath(path, item.key);
      if (child === null) throw new StoreError(`bucket ${topic} ${hour}: no node left for post ${item.entry.id}`);
      (children.get(child) ?? children.set(child, []).get(child)!).push(item);
    }
    for (const [child, list] of children) place(child, list);
  };
  if (entries.length > 0) place('', entries);
  return nodes;
}

function sameCounts(held: Item | undefined, target: Item | null): boolean {
  if (!held || !target) return !held && !target;
  const names = new Set([...Object.keys(held), ...Object.keys(target)].filter((name) => !BOOKKEEPING.has(name)));
  return [...names].every((name) => sameValue(held[name], target[name]));
}

/**
 * Sentiment sums added up pass by pass and all at once differ in the last bits: the same sum all
 * the same. A counter that passes brought back to 0 is stored as 0, where a target leaves it out
 * (as ingest writes it): absent and 0 are the same count.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    const [x, y] = [a ?? 0, b ?? 0];
    return typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return isDeepStrictEqual(a, b);
}
