// Posts and their hourly buckets: storing a pass's posts idempotently, and reading the counters back.
//
// Idempotency without transactions (dynalite has no TransactWriteItems): every counter scope keeps
// the set of post ids it has counted (`ids`, `src:<id>:ids`), and one UpdateItem adds the counts and
// the ids together, guarded by an optimistic `version`. A post is therefore counted in a scope
// exactly when its id is in that set, whatever crashed or ran twice; a re-run only adds the missing.
// A topic-hour is one item until it nears NODE_BYTES, then a tree of them (bucket-nodes.ts): a small
// campaign's pass stays one bucket write per topic-hour, and a hot hour has no ceiling.

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { COUNTERS, postCounts, sentimentMean, sumCounts, type BucketCounts, type Counter } from '../../core/bucket-counts.ts';
import { StoreError } from '../../core/errors.ts';
import { mapConcurrent } from '../../core/map-concurrent.ts';
import type { IngestResult, Store, TrendQuery } from '../../core/ports.ts';
import { rankTopPosts } from '../../core/top-posts.ts';
import type { BucketEntry } from '../../core/recount.ts';
import type { ScoredPost, TopPost, TrendBucket } from '../../core/types.ts';
import { childPath, counterNames, countedIn, entryBytes, hourCounts, isClosed, itemBytes, NODE_BYTES, nodeOf, nodeSk, routeKey, scopeAttr } from './bucket-nodes.ts';
import { postItem } from './post-item.ts';
import { addPostSources, HEAD_PROJECTION, putNewPosts, storedHead, type StoredHead } from './post-writes.ts';
import { justBefore, REQUEST_CONCURRENCY, sendConditional, type Item, type TableClient } from './table-client.ts';
import { keys, postId, type ItemKey } from './table-schema.ts';

const TOP_POSTS_PER_BUCKET = 5;
/** Lost races on one node before giving up: each loss means another writer's update went through. */
const MAX_VERSION_RETRIES = 20;
/**
 * Scopes per UpdateItem. A scope is at most 11 ADDs of ~15 characters ("#s19_9 :s19_9, "), so 20
 * keep the UpdateExpression (about 3.4 KB at worst) under DynamoDB's 4 KB limit on its length.
 */
const SCOPES_PER_UPDATE = 20;

/** What one counted post brings to one scope of a bucket. */
type Contribution = BucketEntry;

/** The counters a scope holds for these posts: the rule in core (bucket-counts.ts), shared by ingest and recount. */
export const scopeTotals = (counted: readonly Contribution[]): BucketCounts =>
  sumCounts(counted.map(({ petition, post }) => postCounts({ petition, sentiment: post.sentiment })));

/** The posts a bucket keeps for an alert to quote, from what it held and what it counts now. */
export const rankBucketTop = (held: readonly TopPost[], counted: readonly Contribution[]): TopPost[] =>
  rankTopPosts(
    [...held, ...counted.map(({ post, petition }) => ({ title: post.title, link: post.link, score: post.sentiment.score, petition, ...(post.sourceId ? { source: post.sourceId } : {}) }))],
    TOP_POSTS_PER_BUCKET,
  );

interface BucketDelta {
  pk: string;
  hour: string;
  topic: string;
  /** Per scope (null = topic-wide, else a source id): the posts to count, by counted id. */
  scopes: Map<string | null, Map<string, Contribution>>;
}

/** One post to count in one scope, with the key that routes it to its node. */
interface Entry {
  scope: string | null;
  c: Contribution;
  key: string;
}

/** Records topics as counted (the readers' "no data" notes): one write per pass, a set ADD, so re-runs change nothing. */
export async function addStoredTopics({ client, tableName, send }: TableClient, topics: Set<string>): Promise<void> {
  await send('topic list', () =>
    client.send(new UpdateCommand({ TableName: tableName, Key: keys.storedTopics, UpdateExpression: 'ADD topics :topics', ExpressionAttributeValues: { ':topics': topics } })),
  );
}

type BucketStore = Pick<Store, 'ingest' | 'queryTrends' | 'topPosts' | 'storedTopics'>;

export interface BucketOptions {
  /** Where a bucket node closes (bucket-nodes.ts); smaller only to exercise deep trees with few posts. @default NODE_BYTES */
  nodeBytes?: number;
}

export function buckets(table: TableClient, { nodeBytes = NODE_BYTES }: BucketOptions = {}): BucketStore {
  const { client, tableName, send, batchGet, queryAll } = table;
  /**
   * Adds the contributions missing from one topic-hour (bucket-nodes.ts has the layout): routes
   * each down its path to the open node, reading the nodes it has not seen yet, and writes each
   * open node's share under its version; a node that fills is closed in that same write and its
   * leftovers go one level down. A lost race re-reads that node and routes again.
   */
  async function applyHour(delta: BucketDelta, root: Item | null): Promise<boolean> {
    const nodes = new Map<string, Item | null>([['', root]]);
    const conflicts = new Map<string, number>();
    let pending: Entry[] = [...delta.scopes].flatMap(([scope, contributions]) => [...contributions.values()].map((c) => ({ scope, c, key: routeKey(scope, c.id) })));
    let wrote = false;
    for (;;) {
      // Where each entry goes: the first open (or missing) node of its path, unless a node on the way counted it.
      const targets = new Map<string, Entry[]>();
      const unread = new Set<string>();
      const left: Entry[] = [];
      for (const entry of pending) {
        let path: string | null = '';
        let node = nodes.get(path);
        while (node !== undefined && !countedIn(node, entry.scope)?.has(entry.c.id) && isClosed(node)) {
          path = childPath(path, entry.key);
          if (path === null) throw new StoreError(`bucket ${delta.pk} ${delta.hour}: no node left for post ${entry.c.id}`);
          node = nodes.get(path);
        }
        if (node === undefined) unread.add(path);
        else if (countedIn(node, entry.scope)?.has(entry.c.id)) continue;
        else (targets.get(path) ?? targets.set(path, []).get(path)!).push(entry);
        left.push(entry);
      }
      pending = left;
      if (pending.length === 0) return wrote;
      if (unread.size > 0) {
        // A level further down for some: read those nodes, then route again.
        const paths = [...unread];
        const read = new Map((await batchGet(paths.map((path) => ({ pk: delta.pk, sk: nodeSk(delta.hour, path) })))).map((item) => [nodeOf(item).path, item]));
        for (const path of paths) nodes.set(path, read.get(path) ?? null);
        continue;
      }
      const results = await mapConcurrent([...targets], REQUEST_CONCURRENCY, ([path, entries]) => writeNode(delta, path, nodes.get(path) ?? null, entries));
      for (const [i, [path]] of [...targets].entries()) {
        const result = results[i]!;
        if (result === 'conflict') {
          const lost = (conflicts.get(path) ?? 0) + 1;
          if (lost > MAX_VERSION_RETRIES) throw new StoreError(`bucket ${delta.pk} ${nodeSk(delta.hour, path)} kept changing under concurrent passes; try again`);
          conflicts.set(path, lost);
          nodes.set(path, (await batchGet([{ pk: delta.pk, sk: nodeSk(delta.hour, path) }]))[0] ?? null);
        } else {
          nodes.set(path, result.node);
          wrote ||= result.counted;
        }
      }
    }
  }

  /** One UpdateItem on an open node: as many entries as fit (and 20 scopes), closing it when some did not fit. */
  async function writeNode(delta: BucketDelta, path: string, node: Item | null, entries: readonly Entry[]): Promise<'conflict' | { node: Item; counted: boolean }> {
    let size = node ? itemBytes(node) : 0;
    const take = new Map<string | null, Contribution[]>();
    let full = false;
    for (const { scope, c } of entries) {
      const taken = take.get(scope);
      const isNew = !taken && countedIn(node, scope) === undefined;
      if (!taken && take.size >= SCOPES_PER_UPDATE) continue;
      const cost = entryBytes(scope, c.id, isNew);
      // An empty node always takes one: a node that holds nothing is never full.
      if (size + cost > nodeBytes && (size > 0 || take.size > 0)) {
        full = true;
        break;
      }
      size += cost;
      if (taken) taken.push(c);
      else take.set(scope, [c]);
    }

    const version = (node?.version as number | undefined) ?? 0;
    const names: Record<string, string> = { '#v': 'version' };
    const values: Item = { ':one': 1, ':topic': delta.topic, ':start': delta.hour };
    const adds = ['#v :one'];
    const sets = ['topic = :topic', 'bucketStart = :start'];
    const after: Item = { ...(node ?? { pk: delta.pk, sk: nodeSk(delta.hour, path), topic: delta.topic, bucketStart: delta.hour }), version: version + 1 };
    [...take].forEach(([scope, fresh], i) => {
      const totals = scopeTotals(fresh);
      const add = (field: Counter | 'ids', key: string, value: number | Set<string>) => {
        const attr = scopeAttr(scope, field);
        names[`#${key}`] = attr;
        values[`:${key}`] = value;
        adds.push(`#${key} :${key}`);
        after[attr] = typeof value === 'number' ? Number(after[attr] ?? 0) + value : new Set([...((after[attr] as Set<string> | undefined) ?? []), ...value]);
      };
      COUNTERS.forEach((field, j) => {
        if (totals[field] !== 0) add(field, `s${i}_${j}`, totals[field]);
      });
      add('ids', `s${i}_i`, new Set(fresh.map((c) => c.id)));
      if (scope === null) {
        // Only the topic-wide scope keeps the posts an alert will quote.
        after.top = values[':top'] = rankBucketTop((node?.top as TopPost[] | undefined) ?? [], fresh);
        sets.push('top = :top');
      }
    });
    if (full) {
      values[':closed'] = after.closed = true;
      sets.push('closed = :closed');
    }
    if (version > 0) values[':v'] = version;
    const updated = await sendConditional(send, 'bucket update', () =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: delta.pk, sk: nodeSk(delta.hour, path) },
          UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
          ConditionExpression: version > 0 ? '#v = :v' : 'attribute_not_exists(#v)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
    if (updated === null) return 'conflict';
    return { node: after, counted: take.size > 0 };
  }

  return {
    async storedTopics() {
      const [item] = await batchGet([keys.storedTopics]);
      return [...((item?.topics as Set<string> | undefined) ?? [])].sort();
    },

    async ingest(posts, { now, retentionDays, concurrentIngests = false }): Promise<IngestResult> {
      // Posts that count for no topic are stored too: a recount after a config change may count them.
      const byKey = new Map<string, ScoredPost[]>();
      for (const post of posts) {
        const group = byKey.get(post.dedupKey);
        if (group) group.push(post);
        else byKey.set(post.dedupKey, [post]);
      }
      if (byKey.size === 0) return { newPosts: 0, bucketWrites: 0, touchedTopics: [] };

      const ids = new Map([...byKey.keys()].map((key) => [key, postId(key)]));
      const stored = new Map(
        (await batchGet([...ids.values()].map(keys.post), HEAD_PROJECTION.expression, HEAD_PROJECTION.names)).map((item) => [String(item.pk), item]),
      );

      const expiresAt = Math.floor(now.getTime() / 1000) + retentionDays * 86_400;
      const newItems: Item[] = [];
      /** Posts stored before that another source now links too: a recount matches them for it as well. */
      const moreSources: { key: ItemKey; sources: Set<string> }[] = [];
      /** Per post id: the hour it counts in and the source that stored it first (the stored item's, once there is one). */
      const heads = new Map<string, StoredHead>();
      for (const [key, group] of byKey) {
        const first = group[0]!;
        const id = ids.get(key)!;
        const existing = stored.get(keys.post(id).pk);
        const sources = new Set(group.map((post) => post.sourceId));
        if (!existing) {
          newItems.push(postItem(id, first, sources, first.bucketStart, expiresAt));
          heads.set(id, { bucketStart: first.bucketStart, sourceId: first.sourceId, title: first.title, link: first.link, sentiment: first.sentiment });
          continue;
        }
        // The stored bucket wins: a post stays in the hour it was first counted in.
        heads.set(id, storedHead({ sourceId: first.sourceId, ...existing }));
        if (existing.sources instanceof Set) {
          // (A post stored before sources were kept has none: it keeps counting as it was counted.)
          const missing = [...sources].filter((source) => !(existing.sources as Set<string>).has(source));
          if (missing.length > 0) moreSources.push({ key: keys.post(id), sources: new Set(missing) });
        }
      }

      // Posts first: a crash after this still finds them (and their hour) on the re-run. A post
      // another ingest stored in between counts as that ingest stored it (post-writes.ts).
      const taken = await putNewPosts(table, newItems, concurrentIngests);
      for (const [pk, head] of taken) heads.set(pk.slice('POST#'.length), head);
      await mapConcurrent(moreSources, REQUEST_CONCURRENCY, ({ key, sources }) => addPostSources(table, key, sources));

      let newCounted = 0;
      const deltas = new Map<string, BucketDelta>();
      const contribute = (topic: string, source: string | null, bucketStart: string, c: Contribution) => {
        const pk = keys.trendPartition(topic);
        const mapKey = `${pk}|${bucketStart}`;
        let delta = deltas.get(mapKey);
        if (!delta) deltas.set(mapKey, (delta = { pk, hour: bucketStart, topic, scopes: new Map() }));
        let scope = delta.scopes.get(source);
        if (!scope) delta.scopes.set(source, (scope = new Map()));
        scope.set(c.id, c);
      };
      for (const [key, group] of byKey) {
        const id = ids.get(key)!;
        const pk = keys.post(id).pk;
        if (!stored.has(pk) && !taken.has(pk) && group.some((post) => post.topics.length > 0)) newCounted++;
        // Topic-wide, the post counts and is quoted as the copy stored first, whichever source's copy
        // matches it there: the same whatever order the sources are read in (and as a recount does).
        const { bucketStart, ...storedCopy } = heads.get(id)!;
        for (const post of group) {
          for (const match of post.topics) {
            const c = { id, petition: match.petition, post };
            contribute(match.topicId, null, bucketStart, { ...c, post: { ...post, ...storedCopy, sentiment: { ...post.sentiment, ...storedCopy.sentiment } } });
            contribute(match.topicId, post.sourceId, bucketStart, c);
          }
        }
      }

      if (deltas.size === 0) return { newPosts: newCounted, bucketWrites: 0, touchedTopics: [] };

      const deltaList = [...deltas.values()];
      // The buckets' root nodes and the topic list in one read: the list is written only when it lacks a topic.
      const read = await batchGet([keys.storedTopics, ...deltaList.map(({ pk, hour }) => ({ pk, sk: nodeSk(hour, '') }))]);
      const listed = (read.find((item) => item.pk === keys.storedTopics.pk && item.sk === keys.storedTopics.sk)?.topics as Set<string> | undefined) ?? new Set();
      const unlisted = new Set(deltaList.map((d) => d.topic).filter((topic) => !listed.has(topic)));
      // Before the buckets, so a reader never finds counts of a topic the list does not name. A set
      // ADD is idempotent: a re-run changes nothing.
      if (unlisted.size > 0) await addStoredTopics(table, unlisted);
      const current = new Map(read.map((item) => [`${String(item.pk)}|${String(item.sk)}`, item]));
      const applied = await mapConcurrent(deltaList, REQUEST_CONCURRENCY, (delta) => applyHour(delta, current.get(`${delta.pk}|${delta.hour}`) ?? null));
      const bucketWrites = applied.filter(Boolean).length;
      const touched = new Set(deltaList.filter((_, i) => applied[i]).map((delta) => delta.topic));
      return { newPosts: newCounted, bucketWrites, touchedTopics: [...touched].sort() };
    },

    async queryTrends(query: TrendQuery) {
      if (!query.topic) throw new StoreError('queryTrends needs a topic');
      const source = query.source ?? null;
      // Only the counters of the scope asked for; the counted-id sets can be large.
      const names = counterNames(source);
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': keys.trendPartition(query.topic), ':since': query.since, ':until': justBefore(query.until) },
        ProjectionExpression: ['sk', ...Object.keys(names)].join(', '),
        ExpressionAttributeNames: names,
      });
      const topic = query.topic;
      return [...hourCounts(items, source)].map(([bucketStart, counts]) => ({ topic, source, bucketStart, ...counts, sentimentMean: sentimentMean(counts.sentimentSum, counts.posts) }));
    },

    async topPosts(topic, since, until, limit) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': keys.trendPartition(topic), ':since': since, ':until': justBefore(until) },
        ProjectionExpression: 'top',
      });
      return rankTopPosts(items.flatMap((item) => (item.top as TopPost[] | undefined) ?? []), limit);
    },
  };
}
