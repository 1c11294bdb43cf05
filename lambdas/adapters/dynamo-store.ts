// The Store port over one DynamoDB table (lambdas/adapters/store/table-schema.ts has the items),
// composed of one module per concern: posts and buckets, the post listing, source states and
// sessions, the pass lock and fan-out pass records, alerts and their per-channel deliveries, and a recount's reads and rewrites.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../core/ports.ts';
import { alertStates } from './store/alerts.ts';
import { buckets } from './store/buckets.ts';
import { announcingWrites, readChangeMark } from './store/change-counter.ts';
import { channelDeliveries } from './store/deliveries.ts';
import { expirySweep } from './store/expiry.ts';
import { fanOutPasses } from './store/fan-out-passes.ts';
import { passLock } from './store/pass-lock.ts';
import { postListing } from './store/posts.ts';
import { recountStore } from './store/recount.ts';
import { sourceStates } from './store/source-states.ts';
import { createTableClient } from './store/table-client.ts';

export interface DynamoStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Create the table when missing: yes for local endpoints, never in an AWS account (the stack owns it). */
  createIfMissing?: boolean;
  /** Where a topic-hour's bucket node closes (store/bucket-nodes.ts): smaller only for tests of deep trees with few posts. */
  bucketNodeBytes?: number;
  /** The table does not expire items itself (dynalite has no TTL): sweepExpired deletes them (store/expiry.ts). */
  sweepsExpiredItems?: boolean;
}

export function createDynamoStore({ client, tableName, createIfMissing = true, bucketNodeBytes, sweepsExpiredItems = false }: DynamoStoreOptions): Store {
  const table = createTableClient(client, tableName);
  // The writers of what the query API caches (the buckets) announce their writes first.
  const announced = announcingWrites(table);
  return {
    ensureReady: () => table.ensureTable(createIfMissing),
    changeMark: (now) => readChangeMark(table, now),
    sweepExpired: sweepsExpiredItems ? expirySweep(table).sweepExpired : async () => null,
    ...passLock(table),
    ...fanOutPasses(table),
    ...sourceStates(table),
    ...buckets(announced, { nodeBytes: bucketNodeBytes }),
    ...postListing(table),
    ...recountStore(announced, { nodeBytes: bucketNodeBytes }),
    ...alertStates(table),
    ...channelDeliveries(table),
  };
}
