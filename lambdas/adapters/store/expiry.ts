// DynamoDB's TTL, for a table that lacks it: dynalite (the embedded store) and other local endpoints
// keep every item forever, so raw posts would outlive `poll.postRetentionDays` (and the platforms'
// storage terms) on a laptop. A sweep deletes what DynamoDB would have: the items whose expiry
// (TTL_ATTRIBUTE, epoch seconds) has passed. It runs at most once a day, noted on META / EXPIRY
// once it has gone through; each delete holds only while the item is still expired, so an item
// stored again meanwhile stays. A sweep cut short (a crash, a stop) notes nothing, so it runs again.

import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../core/ports.ts';
import { mapConcurrent } from '../../core/map-concurrent.ts';
import { sendConditional, type TableClient } from './table-client.ts';
import { keys, TTL_ATTRIBUTE } from './table-schema.ts';

/** How often a sweep runs: DynamoDB itself deletes expired items within a few days. */
export const SWEEP_INTERVAL_MS = 24 * 3_600_000;
/** Deletes in flight at once. */
const DELETES_AT_ONCE = 8;

export function expirySweep({ client, tableName, send, batchGet, scanPages }: TableClient): Pick<Store, 'sweepExpired'> {
  return {
    async sweepExpired(now, signal) {
      const [note] = await batchGet([keys.expirySweep]);
      if (typeof note?.sweptAt === 'string' && now.getTime() - Date.parse(note.sweptAt) < SWEEP_INTERVAL_MS) return null;
      const expired = '#ttl < :now';
      const operands = { ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE }, ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) } };
      let deleted = 0;
      // A page at a time, so a stop (Ctrl-C) ends the sweep between pages; it is then not noted, and runs again.
      for await (const page of scanPages({ TableName: tableName, ProjectionExpression: 'pk, sk', FilterExpression: expired, ...operands })) {
        const answers = await mapConcurrent(page, DELETES_AT_ONCE, ({ pk, sk }) =>
          sendConditional(send, 'expired item', () => client.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk }, ConditionExpression: expired, ...operands }))),
        );
        deleted += answers.filter((answer) => answer !== null).length;
        if (signal?.aborted) return deleted;
      }
      await send('expiry sweep', () => client.send(new PutCommand({ TableName: tableName, Item: { ...keys.expirySweep, sweptAt: now.toISOString() } })));
      return deleted;
    },
  };
}
