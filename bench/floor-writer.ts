// The store's floor in a process of its own (bench/ingest-process.ts runs it): open the embedded
// store on disk as the CLI does, make the table, write the given items with BatchWriteItem 25 at a
// time through the project's document client, close, exit. Writes the write loop's wall and CPU
// milliseconds as JSON to a file; the parent times the whole process around it.

import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lambdas/adapters/dynamo-client.ts';
import { createDynamoStore } from '../lambdas/adapters/dynamo-store.ts';
import { openLocalDynamo } from '../lambdas/adapters/local-dynamo.ts';
import { LOCAL_TABLE } from '../lambdas/cli/store-connection.ts';

export interface FloorTimes {
  writeMs: number;
  writeCpuMs: number;
}

/** Items as JSON with their sets and binaries kept (the document client writes them as SS and B). */
export const encodeItems = (items: readonly Record<string, unknown>[]): string =>
  JSON.stringify(items, (_key, value: unknown) =>
    value instanceof Set ? { $set: [...value] } : value instanceof Uint8Array ? { $bytes: Buffer.from(value).toString('base64') } : value,
  );

const decodeItems = (json: string): Record<string, unknown>[] =>
  JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$set' in value) return new Set((value as { $set: unknown[] }).$set);
    if (value && typeof value === 'object' && '$bytes' in value) return Buffer.from((value as { $bytes: string }).$bytes, 'base64');
    return value;
  }) as Record<string, unknown>[];

async function main(itemsFile: string, dataDir: string, timesFile: string): Promise<void> {
  const items = decodeItems(await readFile(itemsFile, 'utf8'));
  const local = await openLocalDynamo(dataDir);
  const client = createDocumentClient({ endpoint: local.endpoint });
  try {
    await createDynamoStore({ client, tableName: LOCAL_TABLE }).ensureReady();
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < items.length; i += 25) {
      let pending: Record<string, unknown>[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const answer = await client.send(new BatchWriteCommand({ RequestItems: { [LOCAL_TABLE]: pending as never } }));
        pending = (answer.UnprocessedItems?.[LOCAL_TABLE] ?? []) as Record<string, unknown>[];
      }
    }
    const writeMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    await writeFile(timesFile, JSON.stringify({ writeMs, writeCpuMs: (used.user + used.system) / 1000 } satisfies FloorTimes));
  } finally {
    client.destroy();
    await local.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv[2]!, process.argv[3]!, process.argv[4]!);
