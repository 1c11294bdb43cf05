// The posts behind the numbers, newest first, without a scan: a topic's hourly buckets hold the ids
// of the posts they counted (and each source's own), and a post is stored under that id, so a
// range of a topic's posts is one query over its buckets and batched reads of the posts.

import type { PostPage, PostQuery, Store } from '../../core/ports.ts';
import { comparePostOrder, isAfterPosition, positionOf } from '../../core/post-order.ts';
import type { ListedPost, SentimentLabel } from '../../core/types.ts';
import { HOUR_MS, iso } from '../../core/time.ts';
import { justBefore, type Item, type TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';
import { hourScopes } from './bucket-nodes.ts';

interface Counted {
  topics: Set<string>;
  sources: Set<string>;
}

export function postListing({ tableName, batchGet, queryAll }: TableClient): Pick<Store, 'listPosts'> {
  return {
    async listPosts(query: PostQuery): Promise<PostPage> {
      // A later page starts in the hour the last one ended in.
      const until = query.after ? iso(Date.parse(query.after.bucketStart) + HOUR_MS) : query.until;
      const effectiveUntil = until < query.until ? until : query.until;
      if (effectiveUntil <= query.since) return { posts: [], next: null };

      const hours = new Map<string, Map<string, Counted>>();
      await Promise.all(
        query.topics.map(async (topic) => {
          const items = await queryAll({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
            ExpressionAttributeValues: { ':pk': keys.trendPartition(topic), ':since': query.since, ':until': justBefore(effectiveUntil) },
          });
          for (const [hour, scopes] of hourScopes(items)) collect(hours, hour, scopes, topic, query.source ?? null);
        }),
      );

      const posts: ListedPost[] = [];
      for (const hour of [...hours.keys()].sort().reverse()) {
        const counted = hours.get(hour)!;
        const items = await batchGet([...counted.keys()].map(keys.post));
        const rows = items
          .map((item) => toListedPost(item, counted.get(String(item.pk).slice('POST#'.length))!))
          .filter((post) => matches(post, query))
          .sort(comparePostOrder)
          .filter((post) => !query.after || isAfterPosition(post, query.after));
        posts.push(...rows);
        // One more than asked tells whether there is a next page.
        if (posts.length > query.limit) break;
      }
      const page = posts.slice(0, query.limit);
      return { posts: page, next: posts.length > query.limit ? positionOf(page[page.length - 1]!) : null };
    },
  };
}

/** Adds an hour's counted posts (in the scope asked for) to that hour, with the topics and sources that counted them. */
function collect(hours: Map<string, Map<string, Counted>>, hour: string, scopes: Map<string | null, Set<string>>, topic: string, source: string | null): void {
  const ids = scopes.get(source);
  if (!ids) return;
  let counted = hours.get(hour);
  if (!counted) hours.set(hour, (counted = new Map()));
  const sources = [...scopes].filter(([scope]) => scope !== null);
  for (const id of ids) {
    let entry = counted.get(id);
    if (!entry) counted.set(id, (entry = { topics: new Set(), sources: new Set() }));
    entry.topics.add(topic);
    for (const [scope, counts] of sources) if (counts.has(id)) entry.sources.add(scope!);
  }
}

function toListedPost(item: Item, counted: Counted): ListedPost {
  const petitionTopics = new Set((item.petitionTopics as string[] | undefined) ?? []);
  const topics = [...counted.topics].sort();
  return {
    id: String(item.pk).slice('POST#'.length),
    title: String(item.title ?? ''),
    text: String(item.text ?? ''),
    link: (item.link as string | null | undefined) ?? null,
    author: (item.author as string | null | undefined) ?? null,
    sources: [...counted.sources].sort(),
    published: (item.published as string | null | undefined) ?? null,
    bucketStart: String(item.bucketStart),
    topics,
    petition: topics.some((topic) => petitionTopics.has(topic)),
    score: Number(item.score ?? 0),
    label: (item.label as SentimentLabel | undefined) ?? 'neutral',
  };
}

const matches = (post: ListedPost, query: PostQuery): boolean =>
  (query.petition === undefined || post.petition === query.petition) && (query.label === undefined || post.label === query.label);
