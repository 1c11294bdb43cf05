// The store's side of a recount (core/recount.ts decides what the buckets must hold): reading the
// stored posts of a period, what the buckets counted, and rewriting a bucket whole when it differs.
//
// Every write sets a target computed from the stored posts and the config, never adds to what is
// there, so a recount that crashed and runs again converges on the same items. A bucket is put
// whole under its optimistic `version` (a poll that wrote it meanwhile makes the recount stop, not
// overwrite; the pass lock keeps polls out anyway).

import { isDeepStrictEqual } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../core/errors.ts';
import { mapConcurrent } from '../../core/map-concurrent.ts';
import type { BucketContents, CountedIds, RecountStore } from '../../core/recount.ts';
import { COUNTERS } from '../../core/bucket-counts.ts';
import { addStoredTopics, rankBucketTop, scopeAttr, scopeSources, scopeTotals } from './buckets.ts';
import { readStoredPost } from './post-item.ts';
import { justBefore, REQUEST_CONCURRENCY, type Item, type TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

/** What an item holds besides its counts: left out when comparing it with a target. */
const BOOKKEEPING = new Set(['pk', 'sk', 'version']);

export function recountStore(table: TableClient): RecountStore {
  const { client, tableName, send, batchGet, queryAll, scanAll } = table;
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
      const counted: CountedIds = new Map();
      for (const item of items) {
        const scopes = new Map<string | null, Set<string>>();
        for (const scope of [null, ...scopeSources(item)]) {
          const ids = item[scopeAttr(scope, 'ids')] as Set<string> | undefined;
          if (ids && ids.size > 0) scopes.set(scope, ids);
        }
        counted.set(String(item.sk), scopes);
      }
      return counted;
    },

    async rebuildBuckets(topic, hours) {
      const pk = keys.trendPartition(topic);
      const current = new Map((await batchGet([...hours.keys()].map((sk) => ({ pk, sk })))).map((item) => [String(item.sk), item]));
      const rewritten: string[] = [];
      await mapConcurrent([...hours], REQUEST_CONCURRENCY, async ([hour, contents]) => {
        const held = current.get(hour);
        const target = contents.size > 0 ? bucketItem(topic, hour, contents) : null;
        if (sameCounts(held, target)) return;
        const version = (held?.version as number | undefined) ?? 0;
        const guard = held
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': version } }
          : { ConditionExpression: 'attribute_not_exists(pk)' };
        try {
          await send('bucket rebuild', () =>
            target
              ? client.send(new PutCommand({ TableName: tableName, Item: { pk, sk: hour, version: version + 1, ...target }, ...guard }))
              : client.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk: hour }, ...guard })),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          throw new StoreError(`bucket ${pk} ${hour} changed during the recount; run it again`, { cause: error });
        }
        rewritten.push(hour);
      });
      if ([...hours.values()].some((contents) => contents.size > 0)) await addStoredTopics(table, new Set([topic]));
      return rewritten.sort();
    },

    async setPostTopics(posts) {
      await mapConcurrent(posts, REQUEST_CONCURRENCY, ({ id, topics, petitionTopics }) =>
        send('post topics', async () => {
          try {
            await client.send(
              new UpdateCommand({
                TableName: tableName,
                Key: keys.post(id),
                UpdateExpression: 'SET topics = :topics, petitionTopics = :petition',
                // A post that expired meanwhile is not brought back as a bare item.
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':topics': topics, ':petition': petitionTopics },
              }),
            );
          } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        }),
      );
    },
  };
}

/** A bucket item's counts (without its keys and version) holding exactly `contents`, as ingest would have written them. */
function bucketItem(topic: string, hour: string, contents: BucketContents): Item {
  const item: Item = { topic, bucketStart: hour };
  for (const [scope, entries] of contents) {
    const totals = scopeTotals(entries);
    // As ingest writes them: zero counters left out (absent reads as 0).
    for (const field of COUNTERS) if (totals[field] !== 0) item[scopeAttr(scope, field)] = totals[field];
    item[scopeAttr(scope, 'ids')] = new Set(entries.map((entry) => entry.id));
  }
  const topicWide = contents.get(null);
  if (topicWide) item.top = rankBucketTop([], topicWide);
  return item;
}

function sameCounts(held: Item | undefined, target: Item | null): boolean {
  if (!held || !target) return !held && !target;
  const names = (item: Item) => Object.keys(item).filter((name) => !BOOKKEEPING.has(name)).sort();
  const heldNames = names(held);
  return isDeepStrictEqual(heldNames, names(target)) && heldNames.every((name) => sameValue(held[name], target[name]));
}

/** Sentiment sums added up pass by pass and all at once differ in the last bits: the same sum all the same. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return isDeepStrictEqual(a, b);
}
