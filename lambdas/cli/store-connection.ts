// Where the CLI's store lives: the embedded dynalite under --data-dir by default, or the
// endpoint / table named in the environment (DynamoDB Local, or a deployed stack's table).

import type { Env } from '../config/env.ts';
import { createDocumentClient } from '../adapters/dynamo-client.ts';
import { createDynamoStore } from '../adapters/dynamo-store.ts';
import { openLocalDynamo } from '../adapters/local-dynamo.ts';
import { prepareDataDir } from './data-dir.ts';
import { StoreError } from '../core/errors.ts';
import type { StoreLocation } from '../core/store-address.ts';
import type { Store } from '../core/ports.ts';

export const LOCAL_TABLE = 'fanpulse';

export interface StoreConnection {
  store: Store;
  /** Human description for logs: "embedded store in .fanpulse" / "table X at Y". */
  where: string;
  /** False when another fanpulse process serves this embedded store (it may go away). */
  owner: boolean;
  close(): Promise<void>;
}

/** Which store the environment and --data-dir name: a table (at an endpoint, or in AWS), else the embedded one. */
export function storeLocation(env: Env, dataDir: string): StoreLocation {
  if (env.DYNAMODB_ENDPOINT || env.FANPULSE_TABLE) {
    return { kind: 'table', table: env.FANPULSE_TABLE ?? LOCAL_TABLE, endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION };
  }
  return { kind: 'data-dir', dataDir };
}

export async function connectStore(env: Env, dataDir: string): Promise<StoreConnection> {
  const address = storeLocation(env, dataDir);
  if (address.kind === 'table') {
    const { table: tableName, endpoint, region } = address;
    const client = createDocumentClient({ endpoint, region });
    const where = `table ${tableName} at ${endpoint ?? `AWS (${region ?? 'region from the AWS config'})`}`;
    // A local endpoint (DynamoDB Local, a shared dynalite) may keep expired items: the CLI sweeps them as on the embedded store.
    const local = endpoint !== undefined;
    const store = createDynamoStore({ client, tableName, createIfMissing: local, sweepsExpiredItems: local });
    return ready(store, where, true, async () => client.destroy());
  }
  await prepareDataDir(dataDir);
  const local = await openLocalDynamo(dataDir);
  const client = createDocumentClient({ endpoint: local.endpoint });
  const store = createDynamoStore({ client, tableName: LOCAL_TABLE, sweepsExpiredItems: true });
  const where = `embedded store in ${dataDir}${local.owner ? '' : ` (served by another fanpulse process at ${local.endpoint})`}`;
  return ready(store, where, local.owner, async () => {
    client.destroy();
    await local.close();
  });
}

/** Makes sure the table is there; on failure, says which store and lets go of it. */
async function ready(store: Store, where: string, owner: boolean, close: () => Promise<void>): Promise<StoreConnection> {
  try {
    await store.ensureReady();
  } catch (error) {
    await close();
    if (error instanceof StoreError) throw new StoreError(`${error.message} [${where}]`, { cause: error });
    throw error;
  }
  return { store, where, owner, close };
}
