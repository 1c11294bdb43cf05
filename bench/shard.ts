// A hot topic-hour on the embedded store through a recording proxy (the capacity units DynamoDB
// would bill): POSTS posts of one topic-hour from SOURCES sources, stored in batches of BATCH posts
// as fan-out workers would, then the hour read back as the dashboard reads it. Side by side: bucket
// nodes of the shipped size (store/bucket-nodes.ts) and one item per hour as before (a node as big
// as DynamoDB allows; past about 15,000 posts that one refuses to grow, which is the ceiling lifted).
// Figures per 1,000 posts: bucket writes (UpdateItem), their write units, the reads a writer makes,
// and the read units of querying the hour.

import { createDocumentClient } from '../lambdas/adapters/dynamo-client.ts';
import { createDynamoStore } from '../lambdas/adapters/dynamo-store.ts';
import { NODE_BYTES } from '../lambdas/adapters/store/bucket-nodes.ts';
import type { ScoredPost } from '../lambdas/core/types.ts';
import { startDynamoRecorder, summarise } from '../test/helpers/dynamo-recorder.ts';
import { startTestDynamo } from '../test/helpers/dynamo.ts';
import { scoredPost } from '../test/helpers/posts.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 12_000);
const SOURCES = Number(process.env.BENCH_SOURCES ?? 20);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const HOUR = '2026-11-20T10:00:00.000Z';
const opts = { now: new Date('2026-11-20T12:00:00Z'), retentionDays: 90 };
const LABELS = ['positive', 'negative', 'neutral'] as const;

function hotHour(): ScoredPost[] {
  return Array.from({ length: POSTS }, (_, i) =>
    scoredPost({ key: `story-${i}`, sourceId: `feed-${i % SOURCES}`, label: LABELS[i % 3]!, topics: [{ topicId: 'show', petition: i % 5 === 0 }], bucketStart: HOUR }),
  );
}

async function measure(label: string, nodeBytes: number, posts: ScoredPost[]) {
  const dynamo = await startTestDynamo();
  const recorder = await startDynamoRecorder(dynamo.endpoint);
  const client = createDocumentClient({ endpoint: recorder.endpoint });
  try {
    const { tableName } = await dynamo.newStore();
    const store = createDynamoStore({ client, tableName, bucketNodeBytes: nodeBytes });
    recorder.reset();
    for (let i = 0; i < posts.length; i += BATCH) await store.ingest(posts.slice(i, i + BATCH), opts);
    const write = summarise(recorder.calls);
    const updates = write.byOperation.get('UpdateItem') ?? { requests: 0, units: 0 };
    const gets = write.byOperation.get('BatchGetItem') ?? { requests: 0, units: 0 };
    recorder.reset();
    const [bucket] = await store.queryTrends({ topic: 'show', since: HOUR, until: '2026-11-20T11:00:00.000Z' });
    const read = summarise(recorder.calls);
    const query = read.byOperation.get('Query') ?? { requests: 0, units: 0, items: 0 };
    const per = (n: number) => ((n * 1000) / posts.length).toFixed(1);
    console.log(
      `  ${label.padEnd(34)} counted ${String(bucket?.posts).padStart(6)} | per 1,000 posts: ${per(updates.requests).padStart(5)} bucket writes, ${per(updates.units).padStart(6)} write units, ` +
        `${per(gets.units).padStart(6)} read units (posts + nodes) | reading the hour: ${query.items} items, ${query.units} read units`,
    );
  } finally {
    client.destroy();
    await recorder.close();
    await dynamo.close();
  }
}

export async function main(): Promise<void> {
  const posts = hotHour();
  console.log(`  ${POSTS} posts in one topic-hour from ${SOURCES} sources, stored ${BATCH} at a time (BENCH_POSTS, BENCH_SOURCES, BENCH_BATCH)`);
  await measure(`nodes of ${NODE_BYTES / 1024} KB (shipped)`, NODE_BYTES, posts);
  await measure('one item per hour (as before)', 390 * 1024, posts);
  const small = posts.slice(0, 50);
  await measure('a small hour: 50 posts, nodes', NODE_BYTES, small);
}
