// Ingest as a user runs it: `fanpulse poll --once` in its own process (start, embedded store on
// disk, fetch, parse, store, detect, exit) over local feeds, against the store's floor: the very
// post items that poll stored, read back and written with BatchWriteItem (25 a time) to a fresh
// embedded store on disk. One run, side by side.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lambdas/adapters/dynamo-client.ts';
import { createDynamoStore } from '../lambdas/adapters/dynamo-store.ts';
import { startDynalite } from '../lambdas/adapters/local-dynamo.ts';
import { LOCAL_TABLE } from '../lambdas/cli/store-connection.ts';
import { startTestServer } from '../test/helpers/http-server.ts';
import { builtCli, timeProcess } from './process-runs.ts';

const TARGET_RATIO = 1.3;

/** Every item of the table whose partition key starts with `prefix`. */
async function scanItems(endpoint: string, prefix: string): Promise<Record<string, unknown>[]> {
  const client = createDocumentClient({ endpoint });
  const items: Record<string, unknown>[] = [];
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: LOCAL_TABLE, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).filter((item) => String(item.pk).startsWith(prefix)));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return items;
}

/** Milliseconds to write `items` with BatchWriteItem to a fresh table of an embedded store on disk under `dir`. */
async function floorMs(dir: string, items: Record<string, unknown>[]): Promise<number> {
  const dynalite = await startDynalite(join(dir, 'db'));
  const client = createDocumentClient({ endpoint: dynalite.endpoint });
  try {
    await createDynamoStore({ client, tableName: LOCAL_TABLE }).ensureReady();
    const start = performance.now();
    for (let i = 0; i < items.length; i += 25) {
      let pending: Record<string, unknown>[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const answer = await client.send(new BatchWriteCommand({ RequestItems: { [LOCAL_TABLE]: pending as never } }));
        pending = (answer.UnprocessedItems?.[LOCAL_TABLE] ?? []) as Record<string, unknown>[];
      }
    }
    return performance.now() - start;
  } finally {
    client.destroy();
    await dynalite.close();
  }
}

/** `bodies` are the feeds' documents; `topics` the config's topics; `now` the pass's clock. */
export async function measureProcessIngest(bodies: readonly string[], topics: unknown[], now: Date): Promise<void> {
  const cli = await builtCli();
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-ingest-process-'));
  const feeds = await startTestServer();
  bodies.forEach((body, f) => feeds.route(`/feed-${f}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body)));
  try {
    const config = join(dir, 'fanpulse.config.json');
    await writeFile(
      config,
      JSON.stringify({
        topics,
        sources: bodies.map((_, f) => ({ id: `forum-${f}`, type: 'rss', url: `${feeds.url}/feed-${f}.xml`, topics: ['bosch-legacy'] })),
        poll: { maxBytes: 50_000_000, timeoutMs: 60_000, perHostConcurrency: 8 },
      }),
    );
    const dataDir = join(dir, 'poll');
    const env = { ...process.env, DYNAMODB_ENDPOINT: undefined, FANPULSE_TABLE: undefined };
    const poll = await timeProcess(process.execPath, [cli, 'poll', '--once', '--config', config, '--data-dir', dataDir, '--now', now.toISOString()], { cwd: dir, env });
    if (poll.status !== 0) throw new Error(`poll --once exited with ${poll.status}: ${poll.stderr}`);

    const stored = await startDynalite(join(dataDir, 'db'));
    const posts = await scanItems(stored.endpoint, 'POST#').finally(() => stored.close());
    const floor = await floorMs(join(dir, 'floor'), posts);

    const ratio = poll.wallMs / floor;
    console.log(`\n  whole process, as a user runs it (node ${cli.replace(`${process.cwd()}/`, '')} poll --once), ${posts.length} posts stored:`);
    console.log(`  BatchWriteItem floor (those ${posts.length} post items, embedded store on disk): ${floor.toFixed(0)} ms`);
    console.log(`  fanpulse poll --once, whole process:  ${poll.wallMs.toFixed(0)} ms${poll.cpuMs === null ? '' : ` (CPU ${poll.cpuMs.toFixed(0)} ms)`}`);
    console.log(`  poll --once / floor:                  ${ratio.toFixed(2)}×  (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`);
  } finally {
    await feeds.close();
    await rm(dir, { recursive: true, force: true });
  }
}
