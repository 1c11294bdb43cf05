// A pass beyond one Lambda, at scale: SOURCES local feeds × POSTS posts through the planner (runPass
// with the SQS batch queue on fauxqs, real SQS client), workers taking the batches as Lambda's event
// source would (WORKERS at once, in this process), and the finish; dynalite behind the recording
// proxy, so every DynamoDB request and capacity unit is counted. Checks the counts against the
// feeds (hand-counted per hour), then a steady pass (nothing new), and prices one pass on AWS.
// BENCH_SOURCES / BENCH_POSTS / BENCH_WORKERS change the size.

import { createDocumentClient } from '../lambdas/adapters/dynamo-client.ts';
import { createDynamoStore } from '../lambdas/adapters/dynamo-store.ts';
import { fanOutBatchSchema } from '../lambdas/adapters/batch-queue.ts';
import { createHttpFetcher } from '../lambdas/adapters/http-fetcher.ts';
import { startDynalite } from '../lambdas/adapters/local-dynamo.ts';
import { createSources } from '../lambdas/adapters/sources/create-source.ts';
import { parseConfig } from '../lambdas/config/load.ts';
import { runBatch, type BatchOutcome } from '../lambdas/core/fan-out.ts';
import { sourcesPerInvocation } from '../lambdas/core/fan-out-plan.ts';
import { runPass, type PassDeps } from '../lambdas/core/pipeline.ts';
import type { AlertSink, Store } from '../lambdas/core/ports.ts';
import { readTrends } from '../lambdas/query/read.ts';
import { startTestBatchQueue, type TestBatchQueue } from '../test/helpers/batch-queue.ts';
import { startDynamoRecorder, summarise } from '../test/helpers/dynamo-recorder.ts';
import { startFauxqsTopic } from '../test/helpers/fauxqs.ts';
import { rssFeed } from '../test/helpers/feed-builder.ts';
import { startTestServer } from '../test/helpers/http-server.ts';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 1000);
const POSTS = Number(process.env.BENCH_POSTS ?? 50);
/** Workers at once: the stack's maxConcurrency is 5; 4 keep this 2-core machine's dynalite busy, not swamped. */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const NOW = new Date('2026-11-20T12:20:00Z');
const HOUR = 3_600_000;

/** us-east-1 list prices (USD), as bench/poll-cost.ts uses them. */
const PRICE = { lambdaGbSecondArm: 0.0000133334, lambdaRequest: 0.2 / 1e6, dynamoWriteUnit: 0.625 / 1e6, dynamoReadUnit: 0.125 / 1e6, sqsRequest: 0.4 / 1e6 };
/** A 512 MB function has 512/1769 of a vCPU; and each fetch waits on the network (bench/poll-cost.ts's figure). */
const CPU_SCALE = 1769 / 512;
const NETWORK_WAIT_S = 1.5;
const MEMORY_GB = 0.5;

/** Source i's posts: spread over the last two days, one in ten a petition mention. */
function posts(source: number) {
  return Array.from({ length: POSTS }, (_, i) => ({
    title: `Bosch: Legacy thread ${source}-${i}${i % 10 === 0 ? ', sign the petition' : ''}`,
    link: `https://forum${source}.example/t/${i}`,
    published: new Date(NOW.getTime() - ((source * 7 + i * 59) % (48 * 60) + 1) * 60_000),
    description: 'fans talk',
  }));
}

/** The hand count: posts and petition mentions per hour. */
function expectedHours(): Map<string, [number, number]> {
  const hours = new Map<string, [number, number]>();
  for (let s = 0; s < SOURCES; s++) {
    for (const post of posts(s)) {
      const hour = new Date(Math.floor(post.published.getTime() / HOUR) * HOUR).toISOString();
      const [n, p] = hours.get(hour) ?? [0, 0];
      hours.set(hour, [n + 1, p + (post.title.includes('petition') ? 1 : 0)]);
    }
  }
  return hours;
}

async function drain(batches: TestBatchQueue, deps: PassDeps): Promise<{ outcomes: BatchOutcome[]; workerSeconds: number[] }> {
  const outcomes: BatchOutcome[] = [];
  const workerSeconds: number[] = [];
  const worker = async () => {
    for (;;) {
      const records = await batches.receive(1);
      if (records.length === 0) return;
      const started = performance.now();
      const [record] = records;
      outcomes.push(await runBatch({ ...deps, now: deps.now }, fanOutBatchSchema.parse(JSON.parse(record!.body)), record!.messageId));
      workerSeconds.push((performance.now() - started) / 1000);
      await batches.settle(records, []);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { outcomes, workerSeconds };
}

export async function main(): Promise<void> {
  const server = await startTestServer();
  const bodies = Array.from({ length: SOURCES }, (_, s) => rssFeed(`forum ${s}`, posts(s)));
  for (let s = 0; s < SOURCES; s++) server.route(`/f/${s}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(bodies[s]));
  const dynalite = await startDynalite();
  const recorder = await startDynamoRecorder(dynalite.endpoint);
  const fauxqs = await startFauxqsTopic();
  try {
    const config = parseConfig(
      {
        topics: [{ id: 'bosch-legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
        sources: Array.from({ length: SOURCES }, (_, s) => ({ id: `forum-${s}`, type: 'rss', url: `${server.url}/f/${s}.xml`, topics: ['bosch-legacy'] })),
      },
      'bench config',
    );
    const store: Store = createDynamoStore({ client: createDocumentClient({ endpoint: recorder.endpoint }), tableName: 'fanout-bench' });
    await store.ensureReady();
    const silent: AlertSink = { send: async () => {}, sendDigest: async () => {} };
    const deps = (now: Date): PassDeps => ({ config, store, sources: createSources(config, createHttpFetcher(config.poll)), sink: silent, now, log: { info: () => {}, warn: () => {} } });
    const perInvocation = sourcesPerInvocation(config.poll);
    console.log(`  ${SOURCES} sources × ${POSTS} posts, ${perInvocation} sources an invocation ("auto"), ${WORKERS} workers at once`);

    const pass = async (label: string, now: Date, monthly: boolean) => {
      const batches = startTestBatchQueue(fauxqs);
      recorder.reset();
      const feedRequests = server.requests.length;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const planned = await runPass({ ...deps(now), queue: batches.queue });
      const planSeconds = (performance.now() - started) / 1000;
      const { outcomes, workerSeconds } = await drain(batches, deps(now));
      const wall = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      const stored = outcomes.flatMap((o) => (o.status === 'stored' ? [o] : []));
      const finishes = stored.filter((o) => o.finish !== null).length;
      const newPosts = stored.reduce((n, o) => n + o.stored.newPosts, 0);
      const calls = summarise(recorder.calls);
      const ops = [...calls.byOperation].map(([op, v]) => `${op} ${v.requests}`).join(', ');
      console.log(`\n  ${label}: ${planned.fannedOut?.batches ?? 0} batches, ${finishes} finish, ${newPosts} new posts, ${server.requests.length - feedRequests} feed requests`);
      console.log(`    wall ${wall.toFixed(1)} s (plan ${planSeconds.toFixed(2)} s; batches ${Math.min(...workerSeconds).toFixed(1)}–${Math.max(...workerSeconds).toFixed(1)} s each), CPU ${cpuSeconds.toFixed(1)} s (user+sys, this process: pipeline, dynalite, fauxqs, feed server)`);
      console.log(`    DynamoDB: ${calls.reads.requests} reads (${calls.reads.units} units), ${calls.writes.requests} writes (${calls.writes.units} units): ${ops}`);
      console.log(`    SQS: ${[...batches.requests].map(([a, n]) => `${a} ${n}`).join(', ')}`);

      // On AWS: each batch's CPU time scaled to a 512 MB function, plus a network wait per wave of fetches.
      const batchCount = workerSeconds.length;
      const waves = Math.ceil(perInvocation / config.poll.concurrency);
      const workerBilled = batchCount * ((cpuSeconds / batchCount) * CPU_SCALE + waves * NETWORK_WAIT_S);
      const plannerBilled = planSeconds * CPU_SCALE + 0.5;
      const gbSeconds = (workerBilled + plannerBilled) * MEMORY_GB;
      // The event source mapping: one receive and one delete per batch (batch size 1); the planner's sends.
      const sqsRequests = [...batches.requests].filter(([a]) => a !== 'ReceiveMessage').reduce((n, [, c]) => n + c, 0) + batchCount;
      const lambda = gbSeconds * PRICE.lambdaGbSecondArm + (batchCount + 1) * PRICE.lambdaRequest;
      const dynamo = calls.writes.units * PRICE.dynamoWriteUnit + calls.reads.units * PRICE.dynamoReadUnit;
      const sqs = sqsRequests * PRICE.sqsRequest;
      console.log(
        `    on AWS (estimate): ${gbSeconds.toFixed(0)} GB-s (${(workerBilled / batchCount).toFixed(1)} s a batch, ${waves} waves of fetches × ${NETWORK_WAIT_S} s), ` +
          `${sqsRequests} SQS requests → Lambda $${lambda.toFixed(4)} + DynamoDB $${dynamo.toFixed(4)} + SQS $${sqs.toFixed(6)} = $${(lambda + dynamo + sqs).toFixed(4)} a pass` +
          (monthly ? `, $${((lambda + dynamo + sqs) * 2918).toFixed(2)} a month of such passes every 15 minutes (list, before free allowances)` : ''),
      );
      return { newPosts, finishes };
    };

    const first = await pass('first pass (everything new)', NOW, false);
    // Exact counts: the topic's hourly buckets against the hand count of what the feeds list.
    const trends = (await readTrends(store, config, { since: '3d', bucket: 'hour', format: 'json' }, NOW)).filter((b) => b.posts > 0);
    const expected = expectedHours();
    const exact =
      trends.length === expected.size && trends.every((b) => expected.get(b.bucketStart)?.[0] === b.posts && expected.get(b.bucketStart)?.[1] === b.petitionMentions) && first.newPosts === SOURCES * POSTS && first.finishes === 1;
    console.log(`    counts: ${trends.reduce((n, b) => n + b.posts, 0)} posts in ${trends.length} topic-hours, ${exact ? 'exactly' : 'NOT'} the hand count of ${SOURCES * POSTS} (one finish)`);
    if (!exact) process.exitCode = 1;

    await pass('steady pass (the same feeds, nothing new)', new Date(NOW.getTime() + 15 * 60_000), true);
  } finally {
    await Promise.all([server.close(), recorder.close(), fauxqs.close()]);
    await dynalite.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
