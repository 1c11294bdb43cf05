// The store's requests to its one table: batched reads and writes that finish what DynamoDB leaves
// unprocessed, paged queries, every SDK failure as a StoreError naming the table, and the table's
// creation for local endpoints.

import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../core/errors.ts';
import { mapConcurrent } from '../../core/map-concurrent.ts';
import { KEY_SCHEMA, TTL_ATTRIBUTE, type ItemKey } from './table-schema.ts';

export type Item = Record<string, unknown>;

/** Requests in flight at once: overlaps round trips without flooding an on-demand table. */
export const REQUEST_CONCURRENCY = 8;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** ISO string just before `iso`, for an inclusive BETWEEN on sort keys. */
export const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

export interface TableClient {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Runs one request; SDK failures become a StoreError (a failed condition stays itself: callers decide). */
  send<T>(what: string, run: () => Promise<T>): Promise<T>;
  /** Items by key (strongly consistent); without a projection, whole items. */
  batchGet(keys: ItemKey[], projection?: string, names?: Record<string, string>): Promise<Item[]>;
  batchPut(items: Item[]): Promise<void>;
  queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Item[]>;
  /** One page of a query, for callers that stop early. */
  queryPage(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<{ items: Item[]; next: Item | undefined }>;
  /** The items a scan's filter keeps, a page at a time (only for rare work such as a recount: it reads the whole table). */
  scanPages(input: ConstructorParameters<typeof ScanCommand>[0]): AsyncGenerator<Item[]>;
  /** Every item a scan's filter keeps, all pages. */
  scanAll(input: ConstructorParameters<typeof ScanCommand>[0]): Promise<Item[]>;
  /** Creates the table if missing (and sets TTL where the endpoint supports it), when allowed. */
  ensureTable(createIfMissing: boolean): Promise<void>;
}

/**
 * Runs one conditional write through the table's `send` (so an announcing client still announces it):
 * its answer, or null when its condition failed — another pass got there first, or the item moved on.
 */
export async function sendConditional<T>(send: TableClient['send'], what: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await send(what, run);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return null;
    throw error;
  }
}

export function createTableClient(client: DynamoDBDocumentClient, tableName: string): TableClient {
  async function send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || error instanceof StoreError) throw error;
      throw new StoreError(`trend store ${what} failed (table ${tableName}): ${(error as Error).message}`, { cause: error });
    }
  }

  async function batchGet(keys: ItemKey[], projection?: string, names: Record<string, string> = {}): Promise<Item[]> {
    const pages = await mapConcurrent(chunks(keys, 100), REQUEST_CONCURRENCY, async (chunk) => {
      const items: Item[] = [];
      let pending: Item[] = chunk as unknown as Item[];
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

  async function queryPage(input: ConstructorParameters<typeof QueryCommand>[0]) {
    const response = await send('query', () => client.send(new QueryCommand(input)));
    return { items: response.Items ?? [], next: response.LastEvaluatedKey };
  }

  async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await queryPage({ ...input, ExclusiveStartKey: start });
      items.push(...page.items);
      start = page.next;
    } while (start);
    return items;
  }

  async function* scanPages(input: ConstructorParameters<typeof ScanCommand>[0]): AsyncGenerator<Item[]> {
    let start: Item | undefined;
    do {
      const response = await send('scan', () => client.send(new ScanCommand({ ...input, ExclusiveStartKey: start })));
      yield response.Items ?? [];
      start = response.LastEvaluatedKey;
    } while (start);
  }

  async function scanAll(input: ConstructorParameters<typeof ScanCommand>[0]): Promise<Item[]> {
    const items: Item[] = [];
    for await (const page of scanPages(input)) items.push(...page);
    return items;
  }

  async function ensureTable(createIfMissing: boolean): Promise<void> {
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
              { AttributeName: KEY_SCHEMA.partitionKey, AttributeType: 'S' },
              { AttributeName: KEY_SCHEMA.sortKey, AttributeType: 'S' },
            ],
            KeySchema: [
              { AttributeName: KEY_SCHEMA.partitionKey, KeyType: 'HASH' },
              { AttributeName: KEY_SCHEMA.sortKey, KeyType: 'RANGE' },
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
      await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
    } catch {
      // dynalite and some emulators lack UpdateTimeToLive; the CLI deletes expired items itself (store/expiry.ts).
    }
  }

  return { client, tableName, send, batchGet, batchPut, queryAll, queryPage, scanPages, scanAll, ensureTable };
}
