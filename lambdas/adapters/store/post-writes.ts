// Writing an ingest's post items (post-item.ts has their shape). An ingest reads its posts' keys
// back first; the ones it found get only their missing sources added (a set ADD, safe under any
// concurrency). The ones it did not find are written whole: in batches, last write wins, when
// nothing else ingests (the pass lock); one conditional put each when other ingests may store the
// same post meanwhile, where the loser adds its sources to the winner's item and takes the
// winner's hour and first source for its bucket counts.

import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapConcurrent } from '../../core/map-concurrent.ts';
import type { SentimentLabel } from '../../core/types.ts';
import { REQUEST_CONCURRENCY, sendConditional, type Item, type TableClient } from './table-client.ts';
import type { ItemKey } from './table-schema.ts';

/**
 * What a post's bucket counts need from its stored item: the hour it counts in, and the copy
 * topic-wide counts and quotes (the one stored, from the source that stored it first), as a
 * recount does.
 */
export interface StoredHead {
  bucketStart: string;
  sourceId: string;
  title: string;
  link: string | null;
  sentiment: { score: number; label: SentimentLabel };
}

/** The attributes of a post item a StoredHead is read from (reserved words named). */
export const HEAD_PROJECTION = { expression: 'pk, bucketStart, sources, sourceId, #title, #link, score, #label', names: { '#title': 'title', '#link': 'link', '#label': 'label' } };

export const storedHead = (item: Item): StoredHead => ({
  bucketStart: String(item.bucketStart),
  sourceId: String(item.sourceId),
  title: String(item.title ?? ''),
  link: (item.link as string | null | undefined) ?? null,
  sentiment: { score: Number(item.score ?? 0), label: (item.label as SentimentLabel | undefined) ?? 'neutral' },
});

/** Adds sources to a stored post (a recount matches it for them too), returning what the item holds after. */
export async function addPostSources({ client, tableName, send }: TableClient, key: ItemKey, sources: ReadonlySet<string>): Promise<StoredHead> {
  const response = await send('post sources', () =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'ADD sources :sources',
        ExpressionAttributeValues: { ':sources': new Set(sources) },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return storedHead(response.Attributes ?? {});
}

/**
 * Stores posts the read-back did not find. Returns, for each post another ingest stored first
 * (only when `concurrentIngests`), what its item holds after this ingest's sources were added.
 */
export async function putNewPosts(table: TableClient, items: readonly Item[], concurrentIngests: boolean): Promise<Map<string, StoredHead>> {
  const taken = new Map<string, StoredHead>();
  if (!concurrentIngests) {
    await table.batchPut([...items]);
    return taken;
  }
  const { client, tableName, send } = table;
  await mapConcurrent(items, REQUEST_CONCURRENCY, async (item) => {
    const put = await sendConditional(send, 'post write', () =>
      client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    if (put !== null) return;
    const key = { pk: String(item.pk), sk: String(item.sk) };
    taken.set(key.pk, await addPostSources(table, key, item.sources as Set<string>));
  });
  return taken;
}
