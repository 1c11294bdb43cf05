// Where the CLI's store lives: the embedded dynalite under --data-dir by default, or the
// endpoint / table named in the environment (DynamoDB Local, or a deployed stack's table).

import type { Env } from '../config/env.ts';
import { createDocumentClient } from '../adapters/dynamo-client.ts';
import { createDynamoStore } from '../adapters/dynamo-store.ts';
import { openLocalDynamo } from '../adapters/local-dynamo.ts';
import type { Store } from '../core/ports.ts';

export const LOCAL_TABLE = 'fanpulse';

export interface StoreConnection {
  store: Store;
  /** Human description for logs: "embedded store in .fanpulse" / "table X at Y". */
  where: string;
  close(): Promise<void>;
}

export async function connectStore(env: Env, dataDir: string): Promise<StoreConnection> {
  if (env.DYNAMODB_ENDPOINT || env.FANPULSE_TABLE) {
    const client = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION });
    const tableName = env.FANPULSE_TABLE ?? LOCAL_TABLE;
    const store = createDynamoStore({ client, tableName, createIfMissing: env.DYNAMODB_ENDPOINT !== undefined });
    await store.ensureReady();
    return { store, where: `table ${tableName} at ${env.DYNAMODB_ENDPOINT ?? 'AWS'}`, close: async () => client.destroy() };
  }
  const local = await openLocalDynamo(dataDir);
  const client = createDocumentClient({ endpoint: local.endpoint });
  const store = createDynamoStore({ client, tableName: LOCAL_TABLE });
  await store.ensureReady();
  return {
    store,
    where: `embedded store in ${dataDir}${local.owner ? '' : ` (served by another fanpulse process at ${local.endpoint})`}`,
    close: async () => {
      client.destroy();
      await local.close();
    },
  };
}
