// The two ways an ingest writes its new post items (store/post-writes.ts), side by side on the
// embedded store on disk: BatchWriteItem 25 at a time (a serialised pass, the pass lock) and one
// conditional PutItem each (`concurrentIngests`, a fan-out worker). POSTS new posts over 48 hours
// from SOURCES sources, ingested whole; alternating runs, medians of wall and CPU time (this
// process runs dynalite too, so CPU covers both sides). Also the requests and the items written.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentClient } from '../lambdas/adapters/dynamo-client.ts';
import { createDynamoStore } from '../lambdas/adapters/dynamo-store.ts';
import { startDynalite } from '../lambdas/adapters/local-dynamo.ts';
import type { ScoredPost } from '../lambdas/core/types.ts';
import { scoredPost } from '../test/helpers/posts.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 10_000);
const SOURCES = Number(process.env.BENCH_SOURCES ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NOW = new Date('2026-11-20T12:00:00Z');
const LABELS = ['positive', 'negative', 'neutral'] as const;

const posts: ScoredPost[] = Array.from({ length: POSTS }, (_, i) =>
  scoredPost({
    key: `story-${i}`,
    sourceId: `feed-${i % SOURCES}`,
    label: LABELS[i % 3]!,
    title: `Bosch: Legacy thread ${i}`,
    text: 'Great episode, loved the finale and the cast',
    topics: [{ topicId: 'show', petition: i % 10 === 0 }],
    bucketStart: new Date(NOW.getTime() - (i % 48) * 3_600_000).toISOString().replace(/:\d\d:\d\d\.\d+Z$/, ':00:00.000Z'),
  }),
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-'));
  const { endpoint, close } = await startDynalite(join(dir, 'db'));
  const client = createDocumentClient({ endpoint });
  let requests = 0;
  let items = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      requests++;
      const input = args.input as { RequestItems?: Record<string, { PutRequest?: unknown }[]>; Item?: unknown };
      if (input.Item) items++;
      for (const batch of Object.values(input.RequestItems ?? {})) if (Array.isArray(batch)) items += batch.filter((r) => r.PutRequest).length;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const modes = [false, true] as const;
  const results = new Map(modes.map((mode) => [mode, { wall: [] as number[], cpu: [] as number[], requests: 0, items: 0, newPosts: 0 }]));
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const concurrentIngests of run % 2 === 0 ? modes : [...modes].reverse()) {
        const store = createDynamoStore({ client, tableName: `t-${run}-${concurrentIngests}` });
        await store.ensureReady();
        requests = items = 0;
        const cpu = process.cpuUsage();
        const start = performance.now();
        const { newPosts } = await store.ingest(posts, { now: NOW, retentionDays: 90, concurrentIngests });
        const wall = performance.now() - start;
        const used = process.cpuUsage(cpu);
        const result = results.get(concurrentIngests)!;
        result.wall.push(wall);
        result.cpu.push((used.user + used.system) / 1000);
        Object.assign(result, { requests, items, newPosts });
      }
    }
  } finally {
    client.destroy();
    await close();
    await rm(dir, { recursive: true, force: true });
  }
  const [batched, conditional] = modes.map((mode) => results.get(mode)!);
  console.log(`  ${POSTS} new posts from ${SOURCES} sources over 48 hours, one ingest, embedded dynalite on disk; medians of ${RUNS} alternating runs`);
  for (const [label, r] of [['BatchWriteItem (serialised pass)       ', batched!], ['conditional PutItem (concurrentIngests)', conditional!]] as const) {
    console.log(`  ${label}: ${median(r.wall).toFixed(0)} ms wall, ${median(r.cpu).toFixed(0)} ms CPU; ${r.requests} requests, ${r.items} post items put, ${r.newPosts} new posts`);
  }
  console.log(`  conditional / batched: ${(median(conditional!.wall) / median(batched!.wall)).toFixed(2)}× wall, ${(median(conditional!.cpu) / median(batched!.cpu)).toFixed(2)}× CPU`);
}
