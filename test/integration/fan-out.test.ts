// A pass beyond one Lambda, through the real parts: local feed servers and the real RSS source,
// dynalite through the AWS SDK, and the batch queue on fauxqs through the real SQS client. The
// planner (runPass with a queue) hands batches to workers (runBatch), driven as Lambda's SQS event
// source drives them; a crash after any store call of the worker that completes the pass, then the
// message's redelivery, leaves exactly the buckets of a clean pass and one alert on each channel.

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../lambdas/adapters/http-fetcher.ts';
import { createSource } from '../../lambdas/adapters/sources/create-source.ts';
import { fanOutBatchSchema } from '../../lambdas/adapters/batch-queue.ts';
import { parseConfig } from '../../lambdas/config/load.ts';
import type { Config } from '../../lambdas/config/schema.ts';
import { runBatch, type BatchOutcome } from '../../lambdas/core/fan-out.ts';
import type { AlertChannel, Store } from '../../lambdas/core/ports.ts';
import { PASS_LEASE_MS, runPass, type PassDeps } from '../../lambdas/core/pipeline.ts';
import type { SpikeAlert } from '../../lambdas/core/types.ts';
import { readTrends } from '../../lambdas/query/read.ts';
import { startTestBatchQueue, type TestBatchQueue } from '../helpers/batch-queue.ts';
import { crashingClient } from '../helpers/crashing-client.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { startFauxqsTopic, type FauxqsTopic } from '../helpers/fauxqs.ts';
import { rssFeed, type FeedEntry } from '../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const NOW = new Date('2026-11-20T12:20:00Z');
const HOUR = 3_600_000;
const SOURCES = Array.from({ length: 5 }, (_, i) => `feed-${i}`);
/** Two sources an invocation: batches of 2, 2 and 1. */
const PER_INVOCATION = 2;
const QUIET = 6;
const WAVE = 4;

/** Two days of quiet chatter, then a petition wave in the last minutes: an alert on a clean pass. */
function entries(source: string): FeedEntry[] {
  const quiet = Array.from({ length: QUIET }, (_, i) => ({ title: `${source}: Bosch Legacy rewatch ${i}`, link: `https://${source}.example/q/${i}`, published: new Date(NOW.getTime() - (3 + 7 * i) * HOUR), description: 'Loved this episode' }));
  const wave = Array.from({ length: WAVE }, (_, i) => ({
    title: `${source}: sign the petition to save Bosch Legacy #${i}`,
    link: `https://${source}.example/p/${i}`,
    published: new Date(NOW.getTime() - (i + 1) * 60_000),
    description: 'Please sign the change.org petition',
  }));
  return [...quiet, ...wave];
}

let server: TestServer;
let dynamo: TestDynamo;
let fauxqs: FauxqsTopic;

beforeAll(async () => {
  server = await startTestServer();
  for (const source of SOURCES) server.route(`/${source}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(source, entries(source))));
  [dynamo, fauxqs] = await Promise.all([startTestDynamo(), startFauxqsTopic()]);
  config = configFor();
});

afterAll(async () => {
  await Promise.all([server?.close(), fauxqs?.close()]);
  await dynamo?.close();
});

let config: Config;
const configFor = (): Config => parseConfig(
  {
    topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
    sources: SOURCES.map((id) => ({ id, type: 'rss', url: `${server.url}/${id}.xml`, topics: ['bosch-legacy'] })),
    poll: { timeoutMs: 60_000, sourcesPerInvocation: PER_INVOCATION },
  },
  'test config',
);

/** The e-mail sink and a chat channel, each recording the alerts it accepted. */
function recordingChannels() {
  const sent = { sink: [] as SpikeAlert[], chat: [] as SpikeAlert[] };
  const sink = { send: async (a: SpikeAlert) => void sent.sink.push(a), sendDigest: async () => {} };
  const chat: AlertChannel = { name: 'chat', fingerprint: null, topics: [], kinds: [], send: async (a) => void sent.chat.push(a), sendDigest: async () => {} };
  return { sent, sink, channels: [chat] };
}

function deps(store: Store, channels: ReturnType<typeof recordingChannels>, now = NOW): PassDeps {
  const fetcher = createHttpFetcher({ ...config.poll });
  return { config, store, sources: config.sources.map((s) => createSource(s, fetcher)), sink: channels.sink, channels: channels.channels, now, log: { info: () => {}, warn: () => {} } };
}

/** Hands each waiting message to `worker` one at a time, as the event source mapping does with batch size 1. */
async function deliverEach(batches: TestBatchQueue, worker: (batch: ReturnType<typeof fanOutBatchSchema.parse>, messageId: string) => Promise<unknown>) {
  const outcomes: ('done' | 'failed')[] = [];
  for (let records = await batches.receive(1); records.length > 0; records = await batches.receive(1)) {
    const [record] = records;
    const failed = await worker(fanOutBatchSchema.parse(JSON.parse(record!.body)), record!.messageId).then(
      () => false,
      () => true,
    );
    outcomes.push(failed ? 'failed' : 'done');
    await batches.settle(records, failed ? [record!.messageId] : []);
    if (failed) break;
  }
  return outcomes;
}

/** The topic-wide hourly buckets a user reads back (non-empty ones), and what each source counted. */
async function snapshot(store: Store) {
  const params = { since: '3d', bucket: 'hour', format: 'json' } as const;
  const nonZero = (b: { posts: number }) => b.posts > 0;
  const topicWide = (await readTrends(store, config, params, NOW)).filter(nonZero).map((b) => [b.bucketStart, b.posts, b.petitionMentions]);
  const perSource = await Promise.all(SOURCES.map(async (source) => (await readTrends(store, config, { ...params, source }, NOW)).filter(nonZero).reduce((n, b) => n + b.posts, 0)));
  return { topicWide, perSource };
}

/** What the feeds list, counted by hand: posts and petition mentions per hour. */
function expectedBuckets() {
  const byHour = new Map<string, [number, number]>();
  for (const source of SOURCES) {
    for (const entry of entries(source)) {
      const hour = new Date(Math.floor(entry.published!.getTime() / HOUR) * HOUR).toISOString();
      const [posts, petitions] = byHour.get(hour) ?? [0, 0];
      byHour.set(hour, [posts + 1, petitions + (entry.title.includes('petition') ? 1 : 0)]);
    }
  }
  return [...byHour].sort(([a], [b]) => a.localeCompare(b)).map(([hour, [posts, petitions]]) => [hour, posts, petitions]);
}

async function lockIsFree(store: Store, now: Date) {
  const probe = await store.acquirePassLock('probe', now.toISOString(), new Date(now.getTime() + 1000).toISOString());
  if (probe.acquired) await store.releasePassLock('probe');
  return probe.acquired;
}

describe('a fanned-out pass', () => {
  it('splits the sources into batches on the queue, and the workers store exactly what the feeds list and alert once per channel', async () => {
    const { store } = await dynamo.newStore();
    const batches = startTestBatchQueue(fauxqs);
    const channels = recordingChannels();
    const planned = await runPass({ ...deps(store, channels), queue: batches.queue });
    expect(planned.fannedOut).toEqual({ passId: expect.stringMatching(/^pass-/), batches: 3 });
    expect(planned.sources).toEqual([]);
    expect(batches.depth()).toBe(3);

    const outcomes: BatchOutcome[] = [];
    await deliverEach(batches, async (batch, messageId) => outcomes.push(await runBatch(deps(store, channels), batch, messageId)));
    expect(outcomes.map((o) => (o.status === 'stored' ? o.stored.sources.map((s) => s.sourceId) : o.status))).toEqual([['feed-0', 'feed-1'], ['feed-2', 'feed-3'], ['feed-4']]);
    // Only the last batch's worker finished the pass.
    expect(outcomes.map((o) => o.status === 'stored' && o.finish !== null)).toEqual([false, false, true]);
    expect(outcomes.reduce((n, o) => n + (o.status === 'stored' ? o.stored.newPosts : 0), 0)).toBe(SOURCES.length * (QUIET + WAVE));

    expect((await snapshot(store)).topicWide).toEqual(expectedBuckets());
    expect((await snapshot(store)).perSource).toEqual(SOURCES.map(() => QUIET + WAVE));
    expect(channels.sent.sink.map((a) => a.kind)).toEqual(['petition-spike']);
    expect(channels.sent.chat.map((a) => a.id)).toEqual(channels.sent.sink.map((a) => a.id));
    expect(batches.depth()).toBe(0);
    expect(await lockIsFree(store, NOW)).toBe(true);
  });

  it('keeps the single invocation for a campaign within one invocation, queue or not', async () => {
    const { store } = await dynamo.newStore();
    const batches = startTestBatchQueue(fauxqs);
    const channels = recordingChannels();
    const small = { ...config, poll: { ...config.poll, sourcesPerInvocation: SOURCES.length } };
    const report = await runPass({ ...deps(store, channels), config: small, queue: batches.queue });
    expect(report.fannedOut).toBeUndefined();
    expect(report.newPosts).toBe(SOURCES.length * (QUIET + WAVE));
    expect(batches.requests.size).toBe(0);
    expect((await snapshot(store)).topicWide).toEqual(expectedBuckets());
  });

  it('holds the lock from the plan to the finish: a pass scheduled meanwhile is skipped, and a batch of a pass that is over does nothing', async () => {
    const { store } = await dynamo.newStore();
    const batches = startTestBatchQueue(fauxqs);
    const channels = recordingChannels();
    await runPass({ ...deps(store, channels), queue: batches.queue });
    const meanwhile = await runPass({ ...deps(store, channels, new Date(NOW.getTime() + 60_000)), queue: batches.queue });
    expect(meanwhile.skipped).not.toBeNull();

    // The lease runs out (every worker was down), and the next pass takes the lock over.
    const later = new Date(NOW.getTime() + PASS_LEASE_MS + 60_000);
    const next = await runPass({ ...deps(store, channels, later), config: { ...config, poll: { ...config.poll, sourcesPerInvocation: 10 } } });
    expect(next.newPosts).toBe(SOURCES.length * (QUIET + WAVE));
    const stale: BatchOutcome[] = [];
    await deliverEach(batches, async (batch, messageId) => stale.push(await runBatch(deps(store, channels, later), batch, messageId)));
    expect(stale.map((o) => o.status)).toEqual(['stale', 'stale', 'stale']);
    expect((await snapshot(store)).topicWide).toEqual(expectedBuckets());
    expect(channels.sent.sink).toHaveLength(1);
  });

  it('finishes a pass once when SQS hands the message that completes it to two workers at once', async () => {
    const { store } = await dynamo.newStore();
    const batches = startTestBatchQueue(fauxqs);
    const channels = recordingChannels();
    await runPass({ ...deps(store, channels), queue: batches.queue });
    for (let i = 0; i < 2; i++) {
      const [record] = await batches.receive(1);
      await runBatch(deps(store, channels), fanOutBatchSchema.parse(JSON.parse(record!.body)), `worker-${i}/${record!.messageId}`);
      await batches.settle([record!], []);
    }
    const [last] = await batches.receive(1);
    const batch = fanOutBatchSchema.parse(JSON.parse(last!.body));
    // One message, two deliveries: each is its own invocation, so its own claimer.
    const twice = await Promise.all(['a', 'b'].map((invocation) => runBatch(deps(store, channels), batch, `${invocation}/${last!.messageId}`)));
    await batches.settle([last!], []);
    expect(twice.map((o) => o.status)).toEqual(['stored', 'stored']);
    expect(twice.filter((o) => o.status === 'stored' && o.finish !== null)).toHaveLength(1);
    expect((await snapshot(store)).topicWide).toEqual(expectedBuckets());
    expect(channels.sent.sink.map((a) => a.kind)).toEqual(['petition-spike']);
    expect(channels.sent.chat.map((a) => a.id)).toEqual(channels.sent.sink.map((a) => a.id));
    expect(await lockIsFree(store, NOW)).toBe(true);
  });

  it('completes the hand-over when the planner dies after any of its store calls, or once the queue took the batches, and Lambda delivers the event again', async () => {
    const EVENT = 'schedule-execution-1';
    // Count the planner's store calls.
    const counter = crashingClient(dynamo.endpoint, Number.POSITIVE_INFINITY);
    const { tableName: counted } = await dynamo.newStore();
    const { store: counting } = await dynamo.newStore({ tableName: counted, client: counter.client });
    await runPass({ ...deps(counting, recordingChannels()), queue: startTestBatchQueue(fauxqs).queue, event: EVENT });
    const plannerCalls = counter.calls();
    expect(plannerCalls).toBeGreaterThanOrEqual(3);

    type Death = { afterStoreCall: number } | 'after queuing';
    const deaths: Death[] = [...Array.from({ length: plannerCalls }, (_, i) => ({ afterStoreCall: i + 1 })), 'after queuing'];
    const retries: ('skipped' | 'queued again' | 'answered')[] = [];
    for (const death of deaths) {
      const what = JSON.stringify(death);
      const { store, tableName } = await dynamo.newStore();
      const batches = startTestBatchQueue(fauxqs);
      const channels = recordingChannels();
      const crashing = crashingClient(dynamo.endpoint, death === 'after queuing' ? Number.POSITIVE_INFINITY : death.afterStoreCall);
      const { store: dying } = await dynamo.newStore({ tableName, client: crashing.client });
      const queue = death === 'after queuing'
        ? { send: async (b: Parameters<typeof batches.queue.send>[0]) => { await batches.queue.send(b); crashing.kill(); throw new Error('the invocation ran out of time'); } }
        : batches.queue;
      await expect(runPass({ ...deps(dying, channels), queue, event: EVENT }), what).rejects.toThrow();
      const queuedBefore = batches.depth();
      const { Items: records = [] } = await dynamo.client.send(new ScanCommand({ TableName: tableName, FilterExpression: 'pk = :fanOut', ExpressionAttributeValues: { ':fanOut': 'FANOUT' } }));

      // Lambda's retry, a minute later, with the same event.
      const retried = await runPass({ ...deps(store, channels, new Date(NOW.getTime() + 60_000)), queue: batches.queue, event: EVENT });
      if (records.length === 0) {
        // Nothing was planned: the lock's lease decides, as for any pass that died (the dead-letter queue hears of it).
        expect(retried.skipped, what).not.toBeNull();
        expect(batches.depth(), what).toBe(0);
        retries.push('skipped');
        continue;
      }
      expect(retried.skipped, what).toBeNull();
      expect(retried.fannedOut, what).toEqual({ passId: records[0]!.sk, batches: 3 });
      // Queued (again) only when the dead planner had not noted that the queue took them all: a batch twice is stored once.
      expect(batches.depth() - queuedBefore, what).toBe(records[0]!.queued === true ? 0 : 3);
      retries.push(records[0]!.queued === true ? 'answered' : 'queued again');
      const outcomes: BatchOutcome[] = [];
      await deliverEach(batches, async (batch, messageId) => outcomes.push(await runBatch(deps(store, channels), batch, messageId)));
      expect(outcomes.filter((o) => o.status === 'stored' && o.finish !== null), what).toHaveLength(1);
      expect((await snapshot(store)).topicWide, what).toEqual(expectedBuckets());
      expect(channels.sent.sink.map((a) => a.kind), what).toEqual(['petition-spike']);
      expect(channels.sent.chat.map((a) => a.id), what).toEqual(channels.sent.sink.map((a) => a.id));
      expect(await lockIsFree(store, NOW), what).toBe(true);
    }
    // Every way the retry can go was met: a planner dead before its record, after it, after its note.
    expect(new Set(retries)).toEqual(new Set(['skipped', 'queued again', 'answered']));
  });

  it("skips a pass while another event's fanned-out pass holds the lock", async () => {
    const { store } = await dynamo.newStore();
    const batches = startTestBatchQueue(fauxqs);
    const channels = recordingChannels();
    await runPass({ ...deps(store, channels), queue: batches.queue, event: 'schedule-execution-1' });
    const next = await runPass({ ...deps(store, channels, new Date(NOW.getTime() + 60_000)), queue: batches.queue, event: 'schedule-execution-2' });
    expect(next.skipped).not.toBeNull();
    expect(batches.depth()).toBe(3);
  });

  // A fresh table and a whole fanned-out pass per store call of the finishing worker: tens of seconds
  // on a loaded 2-core machine, so no tight limit.
  it('leaves exactly the buckets of a clean pass and one alert on each channel when the worker that completes the pass crashes after any store call and its message comes back', { timeout: 600_000 }, async () => {
    /** A planned pass whose first two batches are stored; answers the last batch's message. */
    async function twoBatchesStored(store: Store, channels: ReturnType<typeof recordingChannels>) {
      const batches = startTestBatchQueue(fauxqs);
      await runPass({ ...deps(store, channels), queue: batches.queue });
      for (let i = 0; i < 2; i++) {
        const [record] = await batches.receive(1);
        await runBatch(deps(store, channels), fanOutBatchSchema.parse(JSON.parse(record!.body)), record!.messageId);
        await batches.settle([record!], []);
      }
      return batches;
    }

    // Count the last worker's store calls.
    const counter = crashingClient(dynamo.endpoint, Number.POSITIVE_INFINITY);
    const { store: counted, tableName } = await dynamo.newStore();
    const countedBatches = await twoBatchesStored(counted, recordingChannels());
    const { store: counting } = await dynamo.newStore({ tableName, client: counter.client });
    const countingChannels = recordingChannels();
    expect(await deliverEach(countedBatches, (batch, id) => runBatch(deps(counting, countingChannels), batch, id))).toEqual(['done']);
    expect(countingChannels.sent.sink).toHaveLength(1);
    const totalCalls = counter.calls();
    expect(totalCalls).toBeGreaterThan(10);

    const expected = expectedBuckets();
    for (let crashAfter = 1; crashAfter <= totalCalls; crashAfter++) {
      const { store, tableName: table } = await dynamo.newStore();
      const channels = recordingChannels();
      const batches = await twoBatchesStored(store, channels);
      const { store: crashing } = await dynamo.newStore({ tableName: table, client: crashingClient(dynamo.endpoint, crashAfter).client });
      expect(await deliverEach(batches, (batch, id) => runBatch(deps(crashing, channels), batch, id)), `crash after store call ${crashAfter}`).toEqual(['failed']);

      // The message comes back once its visibility timeout (6 minutes) has run out.
      const redelivered = new Date(NOW.getTime() + 6 * 60_000);
      expect(await deliverEach(batches, (batch, id) => runBatch(deps(store, channels, redelivered), batch, id))).toEqual(['done']);
      expect((await snapshot(store)).topicWide, `crash after store call ${crashAfter}`).toEqual(expected);
      expect(channels.sent.sink.map((a) => a.kind), `crash after store call ${crashAfter}`).toEqual(['petition-spike']);
      expect(channels.sent.chat.map((a) => a.id), `crash after store call ${crashAfter}`).toEqual(channels.sent.sink.map((a) => a.id));
      expect(await lockIsFree(store, redelivered), `crash after store call ${crashAfter}`).toBe(true);
      expect(batches.depth()).toBe(0);
    }
  });
});
