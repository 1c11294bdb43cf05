// A real dynalite server (in memory) on 127.0.0.1 and a fresh table per call.

import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamo-client.ts';
import { createDynamoStore } from '../../lambdas/adapters/dynamo-store.ts';
import { startDynalite } from '../../lambdas/adapters/local-dynamo.ts';
import type { Store } from '../../lambdas/core/ports.ts';

export interface TestDynamo {
  endpoint: string;
  client: DynamoDBDocumentClient;
  /** A store on a new, empty table (optionally through a different client, e.g. one that crashes). */
  newStore(options?: { tableName?: string; client?: DynamoDBDocumentClient; bucketNodeBytes?: number; sweepsExpiredItems?: boolean }): Promise<{ store: Store; tableName: string }>;
  close(): Promise<void>;
}

export async function startTestDynamo(): Promise<TestDynamo> {
  const server = await startDynalite();
  const client = createDocumentClient({ endpoint: server.endpoint });
  return {
    endpoint: server.endpoint,
    client,
    async newStore(options = {}) {
      const tableName = options.tableName ?? `t-${randomUUID().slice(0, 8)}`;
      const store = createDynamoStore({ client: options.client ?? client, tableName, bucketNodeBytes: options.bucketNodeBytes, sweepsExpiredItems: options.sweepsExpiredItems });
      await createDynamoStore({ client, tableName }).ensureReady();
      return { store, tableName };
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
