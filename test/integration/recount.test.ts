// `recount` after a config change, through the real parts (local feed servers, the RSS source,
// dynalite through the AWS SDK): the buckets it rebuilds must be item for item what a fresh poll
// with the new config stores, also when it crashed at any store call and ran again.

import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../lambdas/adapters/http-fetcher.ts';
import { createSource } from '../../lambdas/adapters/sources/create-source.ts';
import { parseConfig } from '../../lambdas/config/load.ts';
import type { Config } from '../../lambdas/config/schema.ts';
import type { Store } from '../../lambdas/core/ports.ts';
import type { ScoredPost } from '../../lambdas/core/types.ts';
import { PASS_LEASE_MS, runPass } from '../../lambdas/core/pipeline.ts';
import { runRecount, type RecountReport } from '../../lambdas/core/recount.ts';
import { crashingClient } from '../helpers/crashing-client.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { rssFeed, type FeedEntry } from '../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const NOW = new Date('2026-11-20T12:20:00Z');
const SINCE = Date.parse('2026-11-18T00:00:00Z');
const hoursAgo = (h: number, minutes = 10) => new Date(NOW.getTime() - h * 3_600_000 - minutes * 60_000);
/** Text longer than the excerpt a post keeps for display (600 characters): what follows it still counts. */
const FILLER = 'An episode by episode look back at the season, with notes on every scene. '.repeat(10);

// The forum: every kind of post a config change can move.
const rewatch = [40, 34, 28, 22].map((h) => ({ title: `Bosch Legacy rewatch ${h}`, link: `https://fans.example/rewatch/${h}`, published: hoursAgo(h), description: 'Loved this episode, great acting' }));
const powerTools = [
  { title: 'Bosch Legacy power tools giveaway', link: 'https://fans.example/tools/1', published: hoursAgo(30), description: 'Win a drill' },
  { title: 'Bosch Legacy cast uses power tools', link: 'https://fans.example/tools/2', published: hoursAgo(5), description: 'Behind the scenes, petition linked below' },
];
const longReviewWithTools = { title: 'Bosch Legacy long review', link: 'https://fans.example/long/1', published: hoursAgo(12), description: `${FILLER} Also: power tools.` };
const longPetition = { title: 'Weekly thread', link: 'https://fans.example/long/2', published: hoursAgo(12, 40), description: `${FILLER} Please sign the bosch legacy petition!` };
const spoilers = [
  { title: 'Bosch Legacy finale spoiler discussion', link: 'https://fans.example/spoiler/1', published: hoursAgo(20), description: 'What a twist' },
  { title: 'Spoiler: Bosch Legacy and Ballard crossover', link: 'https://fans.example/spoiler/2', published: hoursAgo(3), description: 'Ballard shows up in the finale' },
];
const petition = [0, 1, 2].map((i) => ({ title: `Sign the petition to save Bosch Legacy #${i}`, link: `https://fans.example/petition/${i}`, published: hoursAgo(0, 5 + i), description: 'change.org' }));
const ballard = { title: 'Ballard premiere date announced', link: 'https://fans.example/ballard/1', published: hoursAgo(8), description: 'Maggie Q stars' };
const unrelated = { title: 'Cooking news', link: 'https://x.example/cooking', published: hoursAgo(9), description: 'Soup' };
const forum: FeedEntry[] = [...rewatch, ...powerTools, longReviewWithTools, longPetition, ...spoilers, ...petition, ballard, unrelated];
// The aggregator links some of the same stories (one post, counted in both sources' own buckets).
const aggregator: FeedEntry[] = [rewatch[0]!, powerTools[1]!, spoilers[1]!, ballard, { title: 'Bosch Legacy news roundup', link: 'https://agg.example/roundup', published: hoursAgo(2), description: '' }];

let server: TestServer;
let dynamo: TestDynamo;

beforeAll(async () => {
  server = await startTestServer({
    '/forum.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Forum', forum)),
    '/aggregator.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Aggregator', aggregator)),
  });
  dynamo = await startTestDynamo();
});

afterAll(async () => {
  await server?.close();
  await dynamo?.close();
});

function config(exclude: string[]): Config {
  return parseConfig(
    {
      topics: [
        { id: 'bosch-legacy', keywords: ['bosch legacy'], exclude, petitionKeywords: ['petition', 'change.org'] },
        { id: 'ballard', keywords: ['ballard'], petitionKeywords: ['petition'] },
      ],
      sources: [
        { id: 'forum', type: 'rss', url: `${server.url}/forum.xml`, topics: ['bosch-legacy', 'ballard'] },
        // The aggregator counts for one topic only: its Ballard stories count only through the forum.
        { id: 'aggregator', type: 'rss', url: `${server.url}/aggregator.xml`, topics: ['bosch-legacy'] },
      ],
      poll: { timeoutMs: 60_000 },
    },
    'test config',
  );
}

const quiet = { info: () => {}, warn: () => {} };

async function poll(cfg: Config, store: Store): Promise<void> {
  const fetcher = createHttpFetcher(cfg.poll);
  const report = await runPass({ config: cfg, store, sources: cfg.sources.map((s) => createSource(s, fetcher)), sink: { send: async () => {}, sendDigest: async () => {} }, now: NOW, log: quiet });
  expect(report.sources.map((s) => s.status)).toEqual(['ok', 'ok']);
}

const recount = (cfg: Config, store: Store, now = NOW): Promise<RecountReport> => runRecount({ config: cfg, store, now, log: quiet, sinceMs: SINCE });

/** Every bucket item of the table as stored (all counters, counted-id sets and top posts; not the write version), and the topic list. */
async function buckets(tableName: string) {
  const items = (await dynamo.client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
  return items
    // The topic list, not the change counter (how many writes made the same data is not data).
    .filter((item) => String(item.pk).startsWith('TREND#') || (item.pk === 'META' && item.sk === 'TOPICS'))
    .map(({ version: _version, ...item }) =>
      Object.fromEntries(
        Object.entries(item)
          .map(([name, value]) => [name, value instanceof Set ? [...value].sort() : name.endsWith('sentimentSum') ? Math.round(Number(value) * 1e6) / 1e6 : value])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      ),
    )
    .sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

/** The posts each topic lists (what `fanpulse posts` shows: sources, topics, petition). */
async function listed(store: Store) {
  const page = await store.listPosts({ topics: ['bosch-legacy', 'ballard'], since: new Date(SINCE).toISOString(), until: '2026-11-20T13:00:00.000Z', limit: 500 });
  return page.posts.map(({ id, sources, topics, petition }) => ({ id, sources, topics, petition }));
}

async function freshPoll(cfg: Config) {
  const { store, tableName } = await dynamo.newStore();
  await poll(cfg, store);
  return { buckets: await buckets(tableName), listed: await listed(store) };
}

// The configs, built once the feed server has its port.
let WITH_TOOLS: Config;
let NO_EXCLUSION: Config;
let MORE_EXCLUSIONS: Config;
beforeAll(() => {
  WITH_TOOLS = config(['power tools']);
  NO_EXCLUSION = config([]);
  MORE_EXCLUSIONS = config(['power tools', 'spoiler']);
});

describe('recount', () => {
  it('after removing an exclusion: counts the posts it vetoed, as a fresh poll with the new config does', async () => {
    const { store, tableName } = await dynamo.newStore();
    await poll(WITH_TOOLS, store);
    const before = await buckets(tableName);
    const reference = await freshPoll(NO_EXCLUSION);
    expect(before).not.toEqual(reference.buckets);

    const report = await recount(NO_EXCLUSION, store);
    expect(await buckets(tableName)).toEqual(reference.buckets);
    expect(await listed(store)).toEqual(reference.listed);
    // The two power-tools posts and the long review (its "power tools" lies past the stored excerpt)
    // now count, in three hours; Ballard's buckets did not change.
    expect(report.topics).toEqual([
      { topic: 'bosch-legacy', hoursRebuilt: 3, postsAdded: 3, postsRemoved: 0, hoursKept: [] },
      { topic: 'ballard', hoursRebuilt: 0, postsAdded: 0, postsRemoved: 0, hoursKept: [] },
    ]);
    // All 16 distinct stories of the period are stored (15 on the forum, the aggregator's roundup),
    // the cooking one too: a later config may count it.
    expect(report.postsRead).toBe(16);
    expect(report.postsNotRematched).toBe(0);

    // Again: nothing left to change.
    const again = await recount(NO_EXCLUSION, store);
    expect(again.topics.map((t) => t.hoursRebuilt)).toEqual([0, 0]);
    expect(await buckets(tableName)).toEqual(reference.buckets);
  });

  it('after adding an exclusion: un-counts the posts it vetoes, as a fresh poll with the new config does', async () => {
    const { store, tableName } = await dynamo.newStore();
    await poll(NO_EXCLUSION, store);
    const reference = await freshPoll(MORE_EXCLUSIONS);

    const report = await recount(MORE_EXCLUSIONS, store);
    expect(await buckets(tableName)).toEqual(reference.buckets);
    expect(await listed(store)).toEqual(reference.listed);
    // Out: the three power-tools posts and the two spoiler posts, in five hours (Ballard keeps the crossover).
    expect(report.topics[0]).toEqual({ topic: 'bosch-legacy', hoursRebuilt: 5, postsAdded: 0, postsRemoved: 5, hoursKept: [] });
    expect(report.topics[1]).toEqual({ topic: 'ballard', hoursRebuilt: 0, postsAdded: 0, postsRemoved: 0, hoursKept: [] });
  });

  it('leaves the buckets of a fresh poll when re-run after a crash at any store call', { timeout: 600_000 }, async () => {
    const reference = await freshPoll(NO_EXCLUSION);
    // Count the store calls of one clean recount, then crash after each of them in turn.
    const counter = crashingClient(dynamo.endpoint, Number.POSITIVE_INFINITY);
    const { store: plain, tableName: countingTable } = await dynamo.newStore();
    await poll(WITH_TOOLS, plain);
    await recount(NO_EXCLUSION, (await dynamo.newStore({ tableName: countingTable, client: counter.client })).store);
    const totalCalls = counter.calls();
    expect(totalCalls).toBeGreaterThan(5);

    for (let crashAfter = 1; crashAfter <= totalCalls; crashAfter++) {
      const { store, tableName } = await dynamo.newStore();
      await poll(WITH_TOOLS, store);
      const crashing = crashingClient(dynamo.endpoint, crashAfter);
      const { store: crashed } = await dynamo.newStore({ tableName, client: crashing.client });
      const outcome = await recount(NO_EXCLUSION, crashed).then(
        () => 'completed',
        () => 'crashed',
      );
      // Only a crash on the very last call (releasing the lock, which may fail) lets it finish.
      expect(outcome).toBe(crashAfter === totalCalls ? 'completed' : 'crashed');
      // Run again once the dead recount's lock has run out.
      const rerun = await recount(NO_EXCLUSION, store, new Date(NOW.getTime() + PASS_LEASE_MS));
      expect(rerun.topics.map((t) => t.hoursKept)).toEqual([[], []]);
      expect(await buckets(tableName), `crash after store call ${crashAfter}`).toEqual(reference.buckets);
      expect(await listed(store), `crash after store call ${crashAfter}`).toEqual(reference.listed);
    }
  });

  it('keeps posts stored before sources and whole texts were kept counted as they were', async () => {
    const { store, tableName } = await dynamo.newStore();
    await poll(WITH_TOOLS, store);
    const before = await buckets(tableName);
    // What an older fanpulse stored: no `sources`, no whole text.
    const items = (await dynamo.client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
    const posts = items.filter((item) => String(item.pk).startsWith('POST#'));
    for (const { pk, sk } of posts) {
      await dynamo.client.send(new UpdateCommand({ TableName: tableName, Key: { pk, sk }, UpdateExpression: 'REMOVE sources, fullText' }));
    }
    const report = await recount(NO_EXCLUSION, store);
    expect(await buckets(tableName)).toEqual(before);
    expect(report.topics.map((t) => t.hoursRebuilt)).toEqual([0, 0]);
    // The posts counted under the old config: 11 for Bosch: Legacy (4 rewatches, the long petition
    // thread, 2 spoilers, 3 petition posts, the roundup) and the Ballard premiere (the crossover is among the 11).
    expect(posts).toHaveLength(16);
    expect(report.postsNotRematched).toBe(12);
  });

  it('finds nothing to change with the config that counted, also in an hour whose sentiment added up to zero pass by pass', async () => {
    const { store, tableName } = await dynamo.newStore();
    // Two passes: the second's ADD brings the hour's sentiment sum back to a stored 0, where a
    // bucket laid out at once leaves the zero counter out.
    const hour = '2026-11-20T06:00:00.000Z';
    const post = (id: string, score: number): ScoredPost => ({
      sourceId: 'forum', id, dedupKey: `https://fans.example/zero/${id}`, link: `https://fans.example/zero/${id}`, author: null,
      title: `Bosch Legacy ${id}`, text: '', published: hour, bucketStart: hour,
      topics: [{ topicId: 'bosch-legacy', petition: false }], sentiment: { score, comparative: score / 3, label: score > 0 ? 'positive' : 'negative' },
    });
    await store.ingest([post('up', 2)], { now: NOW, retentionDays: 90 });
    await store.ingest([post('down', -2)], { now: NOW, retentionDays: 90 });
    const before = await buckets(tableName);
    expect(before.filter((item) => item.pk === 'TREND#bosch-legacy').map((item) => item.sentimentSum)).toEqual([0]);

    const report = await recount(NO_EXCLUSION, store);
    expect(report.topics).toEqual([
      { topic: 'bosch-legacy', hoursRebuilt: 0, postsAdded: 0, postsRemoved: 0, hoursKept: [] },
      { topic: 'ballard', hoursRebuilt: 0, postsAdded: 0, postsRemoved: 0, hoursKept: [] },
    ]);
    expect(await buckets(tableName)).toEqual(before);
  });

  it('refuses to run beside a poll that holds the pass lock, and to reach past the retention', async () => {
    const { store } = await dynamo.newStore();
    await store.acquirePassLock('pass-running', NOW.toISOString(), new Date(NOW.getTime() + 60_000).toISOString());
    await expect(recount(NO_EXCLUSION, store)).rejects.toThrow(/a poll is running \(its lock lasts until 2026-11-20T12:21:00.000Z\); run the recount again after it/);
    await expect(runRecount({ config: NO_EXCLUSION, store, now: NOW, log: quiet, sinceMs: NOW.getTime() - 91 * 86_400_000 })).rejects.toThrow(
      /more than 90 days back: posts are kept that long \(poll.postRetentionDays\)/,
    );
  });
});
