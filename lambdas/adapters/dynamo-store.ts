// The Store port over one DynamoDB table (pk/sk strings, TTL on `expiresAt`).
//
// Items:
//   POST#<dedupKey> / POST            a post, once however many sources link it
//   TREND#<topic>#*  / <hour ISO>      topic-wide hourly bucket (each post once)
//   TREND#<topic>#<source> / <hour>    that source's own hourly bucket
//   SOURCE / <sourceId>                validators, cursor and health of a source
//   ALERTSTATE / <topic>#<kind>        cooldown and the alert being delivered
//   ALERT / <windowStart>#<alertId>    alert history
//
// Idempotency without transactions (dynalite has no TransactWriteItems): every bucket keeps the
// set of post ids it has counted (`ids`), and one UpdateItem adds the counts and the ids together,
// guarded by an optimistic `version`. A post is therefore counted in a bucket exactly when its id
// is in the set, whatever crashed or ran twice; a re-run only adds the ids that are missing.

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
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../core/errors.ts';
import type { IngestResult, Store, TrendQuery } from '../core/ports.ts';
import type { ScoredPost, SourceState, SpikeAlert, TopPost, TrendBucket } from '../core/types.ts';
import { rankTopPosts } from '../core/top-posts.ts';

const ALL_SOURCES = '*';
const TOP_POSTS_PER_BUCKET = 5;
/** Text kept with a stored post: enough for an alert e-mail, small enough for cheap writes. */
const STORED_TEXT_CHARS = 600;
const MAX_VERSION_RETRIES = 20;

type Item = Record<string, unknown>;

const trendPk = (topic: string, source: string | null) => `TREND#${topic}#${source ?? ALL_SOURCES}`;

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
  source: string | null;
  contributions: Map<string, Contribution>;
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

  async function batchGet(keys: { pk: string; sk: string }[], projection: string, names: Record<string, string>): Promise<Item[]> {
    const items: Item[] = [];
    for (const chunk of chunks(keys, 100)) {
      let request: Record<string, { Keys: Item[]; ProjectionExpression: string; ExpressionAttributeNames?: Record<string, string>; ConsistentRead: boolean }> | undefined = {
        [tableName]: {
          Keys: chunk,
          ProjectionExpression: projection,
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ConsistentRead: true,
        },
      };
      while (request && Object.keys(request).length > 0) {
        const response = await send('read', () => client.send(new BatchGetCommand({ RequestItems: request })));
        items.push(...(response.Responses?.[tableName] ?? []));
        request = response.UnprocessedKeys as typeof request;
      }
    }
    return items;
  }

  async function batchPut(items: Item[]): Promise<void> {
    for (const chunk of chunks(items, 25)) {
      let pending: { PutRequest: { Item: Item } }[] = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const response = await send('write', () => client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } })));
        pending = (response.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
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

  /** Adds the contributions missing from one bucket; retries when another pass got there first. */
  async function applyBucket(delta: BucketDelta, current: Item | undefined): Promise<boolean> {
    let existing = current;
    for (let attempt = 0; attempt < MAX_VERSION_RETRIES; attempt++) {
      const counted = (existing?.ids as Set<string> | undefined) ?? new Set<string>();
      const fresh = [...delta.contributions.values()].filter((c) => !counted.has(c.id));
      if (fresh.length === 0) return false;
      const version = (existing?.version as number | undefined) ?? 0;
      const totals = { posts: fresh.length, petition: 0, positive: 0, negative: 0, neutral: 0, sum: 0 };
      for (const { petition, post } of fresh) {
        if (petition) totals.petition++;
        totals[post.sentiment.label]++;
        totals.sum += post.sentiment.score;
      }
      const names: Record<string, string> = { '#v': 'version', '#src': 'source' };
      const values: Item = {
        ':n': totals.posts, ':p': totals.petition, ':pos': totals.positive, ':neg': totals.negative,
        ':neu': totals.neutral, ':sum': totals.sum, ':ids': new Set(fresh.map((c) => c.id)),
        ':one': 1, ':topic': delta.topic, ':source': delta.source ?? ALL_SOURCES, ':start': delta.sk,
      };
      let setTop = '';
      if (delta.source === null) {
        // Only topic-wide buckets keep the posts an alert will quote.
        const candidates = fresh.map(({ post, petition }) => ({ title: post.title, link: post.link, score: post.sentiment.score, petition }));
        values[':top'] = rankTopPosts([...((existing?.top as TopPost[] | undefined) ?? []), ...candidates], TOP_POSTS_PER_BUCKET);
        setTop = ', top = :top';
      }
      let condition = 'attribute_not_exists(#v)';
      if (version > 0) {
        condition = '#v = :v';
        values[':v'] = version;
      }
      try {
        await send('bucket update', () =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: delta.pk, sk: delta.sk },
              UpdateExpression:
                `ADD posts :n, petitionMentions :p, positive :pos, negative :neg, neutral :neu, sentimentSum :sum, ids :ids, #v :one ` +
                `SET topic = :topic, #src = :source, bucketStart = :start${setTop}`,
              ConditionExpression: condition,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          ),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const [reread] = await batchGet([{ pk: delta.pk, sk: delta.sk }], 'pk, sk, ids, #v, top', { '#v': 'version' });
        existing = reread;
      }
    }
    throw new StoreError(`bucket ${delta.pk} ${delta.sk} kept changing under concurrent passes; try again`);
  }

  function toBucket(item: Item): TrendBucket {
    const posts = Number(item.posts ?? 0);
    const sentimentSum = Number(item.sentimentSum ?? 0);
    return {
      topic: String(item.topic),
      source: item.source === ALL_SOURCES ? null : String(item.source),
      bucketStart: String(item.bucketStart),
      posts,
      petitionMentions: Number(item.petitionMentions ?? 0),
      positive: Number(item.positive ?? 0),
      negative: Number(item.negative ?? 0),
      neutral: Number(item.neutral ?? 0),
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

    async getSourceStates(sourceIds) {
      const items = await batchGet(sourceIds.map((id) => ({ pk: 'SOURCE', sk: id })), 'sk, #s', { '#s': 'state' });
      return new Map(items.map((item) => [String(item.sk), item.state as SourceState]));
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
        (await batchGet([...byKey.keys()].map((key) => ({ pk: `POST#${key}`, sk: 'POST' })), 'pk, sources, bucketStart', {})).map(
          (item) => [String(item.pk).slice('POST#'.length), item],
        ),
      );

      const expiresAt = Math.floor(now.getTime() / 1000) + retentionDays * 86_400;
      const newItems: Item[] = [];
      const sourceAdds: { key: string; sources: string[] }[] = [];
      const deltas = new Map<string, BucketDelta>();
      const contribute = (topic: string, source: string | null, bucketStart: string, c: Contribution) => {
        const pk = trendPk(topic, source);
        const mapKey = `${pk}|${bucketStart}`;
        let delta = deltas.get(mapKey);
        if (!delta) deltas.set(mapKey, (delta = { pk, sk: bucketStart, topic, source, contributions: new Map() }));
        delta.contributions.set(c.id, c);
      };

      for (const [key, group] of byKey) {
        const first = group[0]!;
        const existing = stored.get(key);
        // The stored bucket wins: a post stays in the hour it was first counted in.
        const bucketStart = (existing?.bucketStart as string | undefined) ?? first.bucketStart;
        const sources = [...new Set(group.map((p) => p.sourceId))];
        if (!existing) {
          newItems.push({
            pk: `POST#${key}`, sk: 'POST', sources: new Set(sources), sourceId: first.sourceId, id: first.id,
            link: first.link, author: first.author, title: first.title, text: first.text.slice(0, STORED_TEXT_CHARS),
            published: first.published, firstSeen: now.toISOString(), bucketStart,
            topics: first.topics, sentiment: first.sentiment, expiresAt,
          });
        } else {
          const known = (existing.sources as Set<string> | undefined) ?? new Set<string>();
          const missing = sources.filter((s) => !known.has(s));
          if (missing.length > 0) sourceAdds.push({ key, sources: missing });
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

      // Posts first: a crash after this still finds them (and their hour) on the re-run.
      await batchPut(newItems);
      for (const { key, sources } of sourceAdds) {
        await send('post update', () =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: `POST#${key}`, sk: 'POST' },
              UpdateExpression: 'ADD sources :s',
              ExpressionAttributeValues: { ':s': new Set(sources) },
            }),
          ),
        );
      }

      const deltaList = [...deltas.values()];
      const current = new Map(
        (await batchGet(deltaList.map(({ pk, sk }) => ({ pk, sk })), 'pk, sk, ids, #v, top', { '#v': 'version' })).map((item) => [
          `${String(item.pk)}|${String(item.sk)}`,
          item,
        ]),
      );
      let bucketWrites = 0;
      const touched = new Set<string>();
      for (const delta of deltaList) {
        if (await applyBucket(delta, current.get(`${delta.pk}|${delta.sk}`))) {
          bucketWrites++;
          touched.add(delta.topic);
        }
      }
      return { newPosts: newItems.length, bucketWrites, touchedTopics: [...touched].sort() };
    },

    async queryTrends(query: TrendQuery) {
      if (!query.topic) throw new StoreError('queryTrends needs a topic');
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': trendPk(query.topic, query.source ?? null), ':since': query.since, ':until': justBefore(query.until) },
        // The counted-id sets can be large; the query paths never need them.
        ProjectionExpression: 'topic, #src, bucketStart, posts, petitionMentions, positive, negative, neutral, sentimentSum',
        ExpressionAttributeNames: { '#src': 'source' },
      });
      return items.map(toBucket);
    },

    async topPosts(topic, since, until, limit) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': trendPk(topic, null), ':since': since, ':until': justBefore(until) },
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
