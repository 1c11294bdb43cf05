// The Store port over one DynamoDB table (pk/sk strings, TTL on `expiresAt`).
//
// Items:
//   POST#<dedupKey> / POST              a post, once however many sources link it (first one wins)
//   TREND#<topic> / <hour ISO>          one topic's hourly bucket: the topic-wide counters (each
//                                       post once) and, as `src:<id>:<counter>`, each source's own
//   SOURCE / <sourceId>                validators, cursor and health of a source
//   SESSION / <key>                    a login session sources share (e.g. a Bluesky account's tokens)
//   LOCK / PASS                        the pass lock (holder and lease)
//   ALERTSTATE / <topic>#<kind>        cooldown and the alert being delivered
//   ALERT / <windowStart>#<alertId>    alert history
//
// Idempotency without transactions (dynalite has no TransactWriteItems): every counter scope keeps
// the set of post ids it has counted (`ids`, `src:<id>:ids`), and one UpdateItem adds the counts and
// the ids together, guarded by an optimistic `version`. A post is therefore counted in a scope
// exactly when its id is in that set, whatever crashed or ran twice; a re-run only adds the missing.
// Keeping every source of a topic-hour in one item makes a pass one bucket write per topic-hour.

import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../core/errors.ts';
import type { IngestResult, Store, TrendQuery } from '../core/ports.ts';
import type { ScoredPost, SourceState, SpikeAlert, TopPost, TrendBucket } from '../core/types.ts';
import { mapConcurrent } from '../core/map-concurrent.ts';
import { rankTopPosts } from '../core/top-posts.ts';
import { withStateDefaults } from '../core/source-health.ts';

const TOP_POSTS_PER_BUCKET = 5;
/** Text kept with a stored post: enough for an alert e-mail, small enough for cheap writes. */
const STORED_TEXT_CHARS = 600;
const MAX_VERSION_RETRIES = 20;
/** Requests in flight at once: overlaps round trips without flooding an on-demand table. */
const REQUEST_CONCURRENCY = 8;

type Item = Record<string, unknown>;

const trendPk = (topic: string) => `TREND#${topic}`;

const COUNTERS = ['posts', 'petitionMentions', 'positive', 'negative', 'neutral', 'sentimentSum'] as const;
type Counter = (typeof COUNTERS)[number];
/** Attribute of a counter scope: topic-wide (source null) or one source's own. */
const scopeAttr = (source: string | null, field: Counter | 'ids') => (source === null ? field : `src:${source}:${field}`);
/** Scopes per UpdateItem: keeps the expression well under DynamoDB's 4 KB limit. */
const SCOPES_PER_UPDATE = 24;

/** Short, fixed-size id for the counted-id sets (72 bits: collisions are not a practical concern). */
const countedId = (dedupKey: string) => createHash('sha256').update(dedupKey).digest('base64url').slice(0, 12);

/** ISO string just before `iso`, for an inclusive BETWEEN on sort keys. */
const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Contribution {
  id: string;
  petition: boolean;
  post: ScoredPost;
}

interface BucketDelta {
  pk: string;
  sk: string;
  topic: string;
  /** Per scope (null = topic-wide, else a source id): the posts to count, by counted id. */
  scopes: Map<string | null, Map<string, Contribution>>;
}

export interface DynamoStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Create the table when missing: yes for local endpoints, never in an AWS account (the stack owns it). */
  createIfMissing?: boolean;
}

export function createDynamoStore({ client, tableName, createIfMissing = true }: DynamoStoreOptions): Store {
  async function send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || error instanceof StoreError) throw error;
      throw new StoreError(`trend store ${what} failed (table ${tableName}): ${(error as Error).message}`, { cause: error });
    }
  }

  /** Items by key; without a projection, whole items. */
  async function batchGet(keys: { pk: string; sk: string }[], projection?: string, names: Record<string, string> = {}): Promise<Item[]> {
    const pages = await mapConcurrent(chunks(keys, 100), REQUEST_CONCURRENCY, async (chunk) => {
      const items: Item[] = [];
      let pending: Item[] = chunk;
      while (pending.length > 0) {
        const response = await send('read', () =>
          client.send(
            new BatchGetCommand({
              RequestItems: {
                [tableName]: {
                  Keys: pending,
                  ...(projection ? { ProjectionExpression: projection } : {}),
                  ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
                  ConsistentRead: true,
                },
              },
            }),
          ),
        );
        items.push(...(response.Responses?.[tableName] ?? []));
        pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
      return items;
    });
    return pages.flat();
  }

  async function batchPut(items: Item[]): Promise<void> {
    await mapConcurrent(chunks(items, 25), REQUEST_CONCURRENCY, async (chunk) => {
      let pending: { PutRequest: { Item: Item } }[] = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const response = await send('write', () => client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } })));
        pending = (response.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    });
  }

  async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const response = await send('query', () => client.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
      items.push(...(response.Items ?? []));
      start = response.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Adds the contributions missing from one bucket item; retries when another pass got there first. */
  async function applyBucket(delta: BucketDelta, current: Item | undefined): Promise<boolean> {
    let item: Item = current ?? {};
    let wrote = false;
    for (let conflicts = 0; conflicts < MAX_VERSION_RETRIES; ) {
      const pending = [...delta.scopes]
        .map(([source, contributions]) => {
          const counted = (item[scopeAttr(source, 'ids')] as Set<string> | undefined) ?? new Set<string>();
          return { source, fresh: [...contributions.values()].filter((c) => !counted.has(c.id)) };
        })
        .filter((scope) => scope.fresh.length > 0);
      if (pending.length === 0) return wrote;

      const batch = pending.slice(0, SCOPES_PER_UPDATE);
      const version = (item.version as number | undefined) ?? 0;
      const names: Record<string, string> = { '#v': 'version' };
      const values: Item = { ':one': 1, ':topic': delta.topic, ':start': delta.sk };
      const adds = ['#v :one'];
      const sets = ['topic = :topic', 'bucketStart = :start'];
      let top: TopPost[] | undefined;
      batch.forEach(({ source, fresh }, i) => {
        const totals: Record<Counter, number> = { posts: fresh.length, petitionMentions: 0, positive: 0, negative: 0, neutral: 0, sentimentSum: 0 };
        for (const { petition, post } of fresh) {
          if (petition) totals.petitionMentions++;
          totals[post.sentiment.label]++;
          totals.sentimentSum += post.sentiment.score;
        }
        for (const field of [...COUNTERS, 'ids'] as const) {
          const key = `${i}_${field}`;
          names[`#${key}`] = scopeAttr(source, field);
          values[`:${key}`] = field === 'ids' ? new Set(fresh.map((c) => c.id)) : totals[field];
          adds.push(`#${key} :${key}`);
        }
        if (source === null) {
          // Only the topic-wide scope keeps the posts an alert will quote.
          const candidates = fresh.map(({ post, petition }) => ({ title: post.title, link: post.link, score: post.sentiment.score, petition }));
          top = rankTopPosts([...((item.top as TopPost[] | undefined) ?? []), ...candidates], TOP_POSTS_PER_BUCKET);
          values[':top'] = top;
          sets.push('top = :top');
        }
      });
      if (version > 0) values[':v'] = version;
      try {
        await send('bucket update', () =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: delta.pk, sk: delta.sk },
              UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
              ConditionExpression: version > 0 ? '#v = :v' : 'attribute_not_exists(#v)',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        conflicts++;
        item = (await batchGet([{ pk: delta.pk, sk: delta.sk }]))[0] ?? {};
        continue;
      }
      // Track what this item now holds, for the scopes left for another update.
      wrote = true;
      item = { ...item, version: version + 1, ...(top ? { top } : {}) };
      for (const { source, fresh } of batch) {
        const key = scopeAttr(source, 'ids');
        item[key] = new Set([...((item[key] as Set<string> | undefined) ?? []), ...fresh.map((c) => c.id)]);
      }
    }
    throw new StoreError(`bucket ${delta.pk} ${delta.sk} kept changing under concurrent passes; try again`);
  }

  function toBucket(item: Item, topic: string, source: string | null): TrendBucket {
    const read = (field: Counter) => Number(item[field] ?? 0);
    const posts = read('posts');
    const sentimentSum = read('sentimentSum');
    return {
      topic,
      source,
      bucketStart: String(item.bucketStart),
      posts,
      petitionMentions: read('petitionMentions'),
      positive: read('positive'),
      negative: read('negative'),
      neutral: read('neutral'),
      sentimentSum,
      sentimentMean: posts > 0 ? sentimentSum / posts : 0,
    };
  }

  const toAlert = (item: Item): SpikeAlert => item.alert as SpikeAlert;

  return {
    async ensureReady() {
      try {
        await client.send(new DescribeTableCommand({ TableName: tableName }));
        return;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) {
          throw new StoreError(`cannot reach the trend store (table ${tableName}): ${(error as Error).message}`, { cause: error });
        }
        if (!createIfMissing) {
          throw new StoreError(`table ${tableName} does not exist: check FANPULSE_TABLE (the stack's TableName output) and AWS_REGION`);
        }
      }
      await send('table creation', async () => {
        try {
          await client.send(
            new CreateTableCommand({
              TableName: tableName,
              BillingMode: 'PAY_PER_REQUEST',
              AttributeDefinitions: [
                { AttributeName: 'pk', AttributeType: 'S' },
                { AttributeName: 'sk', AttributeType: 'S' },
              ],
              KeySchema: [
                { AttributeName: 'pk', KeyType: 'HASH' },
                { AttributeName: 'sk', KeyType: 'RANGE' },
              ],
            }),
          );
        } catch (error) {
          // Another process created it between our describe and create.
          if ((error as Error).name !== 'ResourceInUseException') throw error;
        }
        await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
      });
      try {
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }),
        );
      } catch {
        // dynalite and some emulators lack UpdateTimeToLive; posts then simply never expire locally.
      }
    },

    async acquirePassLock(holder, now, until) {
      try {
        await send('pass lock', () =>
          client.send(
            new PutCommand({
              TableName: tableName,
              Item: { pk: 'LOCK', sk: 'PASS', holder, until },
              ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now OR holder = :holder',
              ExpressionAttributeNames: { '#until': 'until' },
              ExpressionAttributeValues: { ':now': now, ':holder': holder },
            }),
          ),
        );
        return { acquired: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const [lock] = await batchGet([{ pk: 'LOCK', sk: 'PASS' }]);
        return { acquired: false, heldUntil: String(lock?.until ?? until) };
      }
    },

    async releasePassLock(holder) {
      try {
        await send('pass lock', () =>
          client.send(
            new DeleteCommand({
              TableName: tableName,
              Key: { pk: 'LOCK', sk: 'PASS' },
              ConditionExpression: 'holder = :holder',
              ExpressionAttributeValues: { ':holder': holder },
            }),
          ),
        );
      } catch (error) {
        // Someone else's lock now (ours ran out): not ours to release.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async getSourceStates(sourceIds) {
      const items = await batchGet(sourceIds.map((id) => ({ pk: 'SOURCE', sk: id })), 'sk, #s', { '#s': 'state' });
      return new Map(items.map((item) => [String(item.sk), withStateDefaults(item.state as SourceState)]));
    },

    async getSession(key) {
      const [item] = await batchGet([{ pk: 'SESSION', sk: key }]);
      return typeof item?.value === 'string' ? item.value : null;
    },

    async putSession(key, value) {
      await send('session update', () => client.send(new PutCommand({ TableName: tableName, Item: { pk: 'SESSION', sk: key, value } })));
    },

    async putSourceState(state) {
      await send('source update', () => client.send(new PutCommand({ TableName: tableName, Item: { pk: 'SOURCE', sk: state.sourceId, state } })));
    },

    async ingest(posts, { now, retentionDays }): Promise<IngestResult> {
      const byKey = new Map<string, ScoredPost[]>();
      for (const post of posts) {
        if (post.topics.length === 0) continue;
        const group = byKey.get(post.dedupKey);
        if (group) group.push(post);
        else byKey.set(post.dedupKey, [post]);
      }
      if (byKey.size === 0) return { newPosts: 0, bucketWrites: 0, touchedTopics: [] };

      const stored = new Map(
        (await batchGet([...byKey.keys()].map((key) => ({ pk: `POST#${key}`, sk: 'POST' })), 'pk, bucketStart')).map(
          (item) => [String(item.pk).slice('POST#'.length), item],
        ),
      );

      const expiresAt = Math.floor(now.getTime() / 1000) + retentionDays * 86_400;
      const newItems: Item[] = [];
      const deltas = new Map<string, BucketDelta>();
      const contribute = (topic: string, source: string | null, bucketStart: string, c: Contribution) => {
        const pk = trendPk(topic);
        const mapKey = `${pk}|${bucketStart}`;
        let delta = deltas.get(mapKey);
        if (!delta) deltas.set(mapKey, (delta = { pk, sk: bucketStart, topic, scopes: new Map() }));
        let scope = delta.scopes.get(source);
        if (!scope) delta.scopes.set(source, (scope = new Map()));
        scope.set(c.id, c);
      };

      for (const [key, group] of byKey) {
        const first = group[0]!;
        const existing = stored.get(key);
        // The stored bucket wins: a post stays in the hour it was first counted in.
        const bucketStart = (existing?.bucketStart as string | undefined) ?? first.bucketStart;
        if (!existing) {
          // Flat and small: every attribute here is paid for on each of the pass's post writes.
          newItems.push({
            pk: `POST#${key}`, sk: 'POST', sourceId: first.sourceId, link: first.link, author: first.author,
            title: first.title, text: first.text.slice(0, STORED_TEXT_CHARS), published: first.published, bucketStart,
            topics: first.topics.map((t) => t.topicId), score: first.sentiment.score, label: first.sentiment.label, expiresAt,
          });
        }
        const id = countedId(key);
        for (const post of group) {
          for (const match of post.topics) {
            const c = { id, petition: match.petition, post };
            contribute(match.topicId, null, bucketStart, c);
            contribute(match.topicId, post.sourceId, bucketStart, c);
          }
        }
      }

      // Posts first: a crash after this still finds them (and their hour) on the re-run. Passes are
      // serialised by the pass lock, so no other pass can store one of these posts in between.
      await batchPut(newItems);

      const deltaList = [...deltas.values()];
      const current = new Map(
        (await batchGet(deltaList.map(({ pk, sk }) => ({ pk, sk })))).map((item) => [
          `${String(item.pk)}|${String(item.sk)}`,
          item,
        ]),
      );
      const applied = await mapConcurrent(deltaList, REQUEST_CONCURRENCY, (delta) => applyBucket(delta, current.get(`${delta.pk}|${delta.sk}`)));
      const bucketWrites = applied.filter(Boolean).length;
      const touched = new Set(deltaList.filter((_, i) => applied[i]).map((delta) => delta.topic));
      return { newPosts: newItems.length, bucketWrites, touchedTopics: [...touched].sort() };
    },

    async queryTrends(query: TrendQuery) {
      if (!query.topic) throw new StoreError('queryTrends needs a topic');
      const source = query.source ?? null;
      // Only the counters of the scope asked for; the counted-id sets can be large.
      const names: Record<string, string> = {};
      COUNTERS.forEach((field, i) => (names[`#c${i}`] = scopeAttr(source, field)));
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': trendPk(query.topic), ':since': query.since, ':until': justBefore(query.until) },
        ProjectionExpression: ['bucketStart', ...Object.keys(names)].join(', '),
        ExpressionAttributeNames: names,
      });
      const topic = query.topic;
      return items
        .map((item) => Object.fromEntries([['bucketStart', item.bucketStart], ...COUNTERS.map((field, i) => [field, item[scopeAttr(source, field)]])]))
        .filter((item) => item.posts !== undefined)
        .map((item) => toBucket(item, topic, source));
    },

    async topPosts(topic, since, until, limit) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': trendPk(topic), ':since': since, ':until': justBefore(until) },
        ProjectionExpression: 'top',
      });
      return rankTopPosts(items.flatMap((item) => (item.top as TopPost[] | undefined) ?? []), limit);
    },

    async claimAlert(alert, cooldownUntil) {
      try {
        await send('alert claim', () =>
          client.send(
            new PutCommand({
              TableName: tableName,
              Item: { pk: 'ALERTSTATE', sk: `${alert.topic}#${alert.kind}`, alertId: alert.id, cooldownUntil, status: 'pending', alert },
              // Only one pass wins a spike; a pending (undelivered) alert is never overwritten.
              ConditionExpression: 'attribute_not_exists(pk) OR (cooldownUntil <= :now AND #st = :sent)',
              ExpressionAttributeNames: { '#st': 'status' },
              ExpressionAttributeValues: { ':now': alert.detectedAt, ':sent': 'sent' },
            }),
          ),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
      await recordAlert(alert);
      return true;
    },

    async pendingAlerts() {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#st = :pending',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':pk': 'ALERTSTATE', ':pending': 'pending' },
      });
      const alerts = items.map(toAlert).sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
      // A crash between the claim and the history write is repaired here, before delivery.
      for (const alert of alerts) await recordAlert(alert);
      return alerts;
    },

    async leaseAlert(alert, now, leaseUntil) {
      try {
        await send('alert lease', () =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: 'ALERTSTATE', sk: `${alert.topic}#${alert.kind}` },
              UpdateExpression: 'SET leaseUntil = :until',
              ConditionExpression: 'alertId = :id AND #st = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)',
              ExpressionAttributeNames: { '#st': 'status' },
              ExpressionAttributeValues: { ':until': leaseUntil, ':id': alert.id, ':pending': 'pending', ':now': now },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async markAlertSent(alert, sentAt) {
      const sent: SpikeAlert = { ...alert, status: 'sent', sentAt };
      await send('alert update', () => client.send(new PutCommand({ TableName: tableName, Item: historyItem(sent) })));
      await send('alert update', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: 'ALERTSTATE', sk: `${alert.topic}#${alert.kind}` },
            UpdateExpression: 'SET #st = :sent, alert = :alert',
            ConditionExpression: 'alertId = :id',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':alert': sent, ':id': alert.id },
          }),
        ),
      );
    },

    async listAlerts(since, until) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': 'ALERT', ':since': since, ':until': `${justBefore(until)}~` },
      });
      return items.map(toAlert);
    },
  };

  function historyItem(alert: SpikeAlert): Item {
    return { pk: 'ALERT', sk: `${alert.windowStart}#${alert.id}`, alert };
  }

  async function recordAlert(alert: SpikeAlert): Promise<void> {
    try {
      await send('alert record', () =>
        client.send(new PutCommand({ TableName: tableName, Item: historyItem(alert), ConditionExpression: 'attribute_not_exists(pk)' })),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
