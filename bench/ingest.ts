// Ingest throughput on the embedded store (dynalite on disk, as the CLI runs it):
// a large poll (FEEDS × ITEMS posts from a local HTTP server through the real pipeline) against
// the floor of writing the same number of post items straight to dynalite with BatchWriteItem.
// Also: store writes per new post, and what a re-poll of unchanged feeds writes. Then the same
// poll as a whole `fanpulse poll --once` process against the floor (bench/ingest-process.ts).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lambdas/adapters/dynamo-client.ts';
import { createDynamoStore } from '../lambdas/adapters/dynamo-store.ts';
import { createHttpFetcher } from '../lambdas/adapters/http-fetcher.ts';
import { startDynalite } from '../lambdas/adapters/local-dynamo.ts';
import { createSources } from '../lambdas/adapters/sources/create-source.ts';
import { parseConfig } from '../lambdas/config/load.ts';
import { runPass } from '../lambdas/core/pipeline.ts';
import type { AlertSink } from '../lambdas/core/ports.ts';
import { rssFeed } from '../test/helpers/feed-builder.ts';
import { startTestServer } from '../test/helpers/http-server.ts';
import { measureProcessIngest } from './ingest-process.ts';

const FEEDS = Number(process.env.BENCH_FEEDS ?? 20);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 500);
const NOW = new Date('2026-11-20T12:00:00Z');
const TOPICS = [{ id: 'bosch-legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }];

/** Counts items written (a BatchWrite of 25 puts is 25 writes), by the kind of item (pk prefix). */
function countWrites(client: DynamoDBDocumentClient): { writes: (kinds?: string[]) => number; reset: () => void } {
  const byKind = new Map<string, number>();
  const add = (pk: unknown) => {
    const kind = String(pk).split('#')[0]!;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  };
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        RequestItems?: Record<string, { PutRequest?: { Item: { pk: unknown } } }[]>;
        Item?: { pk: unknown };
        Key?: { pk: unknown };
      };
      if (input.RequestItems && !('Keys' in (Object.values(input.RequestItems)[0] ?? {}))) {
        for (const requests of Object.values(input.RequestItems)) for (const r of requests) if (r.PutRequest) add(r.PutRequest.Item.pk);
      } else if (input.Item) add(input.Item.pk);
      else if (input.Key && !('ProjectionExpression' in input) && !('ConsistentRead' in input)) add(input.Key.pk);
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return {
    writes: (kinds) => [...byKind].filter(([kind]) => !kinds || kinds.includes(kind)).reduce((n, [, count]) => n + count, 0),
    reset: () => byKind.clear(),
  };
}

function feedBody(feed: number): string {
  const entries = Array.from({ length: ITEMS }, (_, i) => ({
    title: `Bosch: Legacy thread ${feed}-${i}${i % 10 === 0 ? ' — sign the petition' : ''}`,
    link: `https://forum${feed}.example/t/${i}`,
    // Spread over two days, so posts fall into ~48 hourly buckets per source.
    published: new Date(NOW.getTime() - ((i * 47 * 3_600_000) / ITEMS + feed * 1000)),
    description: i % 3 === 0 ? 'Cancelled too soon, terrible decision by Amazon' : 'Great episode, loved the finale and the cast',
  }));
  return rssFeed(`Forum ${feed}`, entries);
}

const silentSink: AlertSink = { send: async () => {}, sendDigest: async () => {} };

export async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-'));
  const { endpoint, close: closeDynalite } = await startDynalite(join(dir, 'db'));
  const feeds = await startTestServer();
  const bodies = Array.from({ length: FEEDS }, (_, f) => feedBody(f));
  bodies.forEach((body, f) => feeds.route(`/feed-${f}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body)));

  try {
    const config = parseConfig(
      {
        topics: TOPICS,
        sources: bodies.map((_, f) => ({ id: `forum-${f}`, type: 'rss', url: `${feeds.url}/feed-${f}.xml`, topics: ['bosch-legacy'] })),
        poll: { maxBytes: 50_000_000, timeoutMs: 60_000, perHostConcurrency: 8 },
      },
      'bench config',
    );
    const total = FEEDS * ITEMS;

    // Floor: the same number of items of the stored post's shape, BatchWriteItem 25 at a time.
    const rawClient = createDocumentClient({ endpoint });
    await createDynamoStore({ client: rawClient, tableName: 'floor' }).ensureReady();
    const sampleText = 'Great episode, loved the finale and the cast';
    const floorStart = performance.now();
    for (let i = 0; i < total; i += 25) {
      const chunk = Array.from({ length: Math.min(25, total - i) }, (_, j) => ({
        PutRequest: {
          Item: {
            pk: `POST#${i + j}`, sk: 'POST', sourceId: 'forum-0', link: `https://forum.example/t/${i + j}`, author: null,
            title: `Bosch: Legacy thread ${i + j}`, text: sampleText, published: NOW.toISOString(), bucketStart: NOW.toISOString(),
            topics: ['bosch-legacy'], score: 3, label: 'positive', expiresAt: Math.floor(NOW.getTime() / 1000),
          },
        },
      }));
      await rawClient.send(new BatchWriteCommand({ RequestItems: { floor: chunk } }));
    }
    const floorMs = performance.now() - floorStart;

    // The real pass: fetch, parse, normalise, match, score, store, detect.
    const client = createDocumentClient({ endpoint });
    const counter = countWrites(client);
    const store = createDynamoStore({ client, tableName: 'fanpulse' });
    await store.ensureReady();
    counter.reset();
    const sources = createSources(config, createHttpFetcher(config.poll));
    const deps = { config, store, sources, sink: silentSink, log: { info: () => {}, warn: () => {} } };
    const passStart = performance.now();
    const report = await runPass({ ...deps, now: NOW });
    const passMs = performance.now() - passStart;
    const passWrites = counter.writes();

    // Unchanged feeds served again in full (this server sends no validators, so no 304 shortcut).
    counter.reset();
    const repollStart = performance.now();
    const repoll = await runPass({ ...deps, now: new Date(NOW.getTime() + 15 * 60_000) });
    const repollMs = performance.now() - repollStart;
    // A re-poll may write source state (health, validators) and the pass lock, never posts or trends.
    const repollWrites = counter.writes(['POST', 'TREND']);

    console.log(`  ${FEEDS} feeds × ${ITEMS} posts = ${total} posts, embedded dynalite on disk, one pass`);
    console.log(`  BatchWriteItem floor (same number of post items): ${floorMs.toFixed(0)} ms (${((floorMs * 1000) / total).toFixed(0)} µs/post)`);
    console.log(`  full poll pass:                                   ${passMs.toFixed(0)} ms (${((passMs * 1000) / total).toFixed(0)} µs/post)`);
    console.log(`  pass / floor:                                     ${(passMs / floorMs).toFixed(2)}×  (target ≤ 2×)`);
    console.log(`  new posts: ${report.newPosts}; store writes: ${passWrites} (posts, ${report.bucketWrites} bucket updates, source states, lock)`);
    console.log(`  store writes per new post:                        ${(passWrites / report.newPosts).toFixed(3)}  (target ≤ 1.1)`);
    console.log(`  re-poll of unchanged feeds: ${repoll.newPosts} new posts, ${repollWrites} post/bucket writes, ${repollMs.toFixed(0)} ms`);
    rawClient.destroy();
    client.destroy();
  } finally {
    await feeds.close();
    await closeDynalite();
    await rm(dir, { recursive: true, force: true });
  }
  await measureProcessIngest(bodies, TOPICS, NOW);
}
