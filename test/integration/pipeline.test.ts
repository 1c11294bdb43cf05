// A whole poll pass through the real parts: local HTTP feed servers, the real fetcher and RSS
// source, dynalite through the AWS SDK, and the local alert sink writing a real file.

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../lambdas/adapters/http-fetcher.ts';
import { createLocalSink } from '../../lambdas/adapters/local-sink.ts';
import { createSource } from '../../lambdas/adapters/sources/create-source.ts';
import { parseConfig } from '../../lambdas/config/load.ts';
import type { Config } from '../../lambdas/config/schema.ts';
import type { AlertSink, Store } from '../../lambdas/core/ports.ts';
import { PASS_LEASE_MS, runPass, type PassReport } from '../../lambdas/core/pipeline.ts';
import { readAlerts, readTrends } from '../../lambdas/query/read.ts';
import { crashingClient } from '../helpers/crashing-client.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { rssFeed, type FeedEntry } from '../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const NOW = new Date('2026-11-20T12:20:00Z');
const hoursAgo = (h: number, minutes = 0) => new Date(NOW.getTime() - h * 3_600_000 - minutes * 60_000);

// Two days of quiet chatter, then a petition wave in the last hour.
function showEntries(prefix: string): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (let h = 48; h >= 2; h -= 4) {
    entries.push({ title: `${prefix} Bosch: Legacy rewatch ${h}`, link: `https://fans.example/${prefix}/${h}`, published: hoursAgo(h, 10), description: 'Loved this episode, great acting' });
  }
  for (let i = 0; i < 12; i++) {
    entries.push({
      title: `${prefix} sign the petition to save Bosch Legacy #${i}`,
      link: `https://fans.example/${prefix}/petition-${i}`,
      published: hoursAgo(0, i + 1),
      description: 'Cancelled too soon. Please sign the change.org petition!',
    });
  }
  return entries;
}

const shared = showEntries('news');
const feeds = {
  '/forum.xml': rssFeed('Forum', showEntries('forum')),
  // The same stories as /forum.xml's first three, linked from a second source.
  '/aggregator.xml': rssFeed('Aggregator', [...showEntries('forum').slice(0, 3), { title: 'Unrelated cooking news', link: 'https://x.example/c', published: hoursAgo(3) }]),
  '/news.xml': rssFeed('News', shared),
};

let server: TestServer;
let dynamo: TestDynamo;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  for (const [path, body] of Object.entries(feeds)) {
    server.route(path, (req, res) => {
      const etag = `"${path}-v1"`;
      if (req.headers['if-none-match'] === etag) return res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(body);
    });
  }
  server.route('/broken-500.xml', (_req, res) => res.writeHead(500).end('boom'));
  server.route('/hangs.xml', () => {});
  server.route('/drips.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    const timer = setInterval(() => res.write(' '), 100);
    res.on('close', () => clearInterval(timer));
  });
  server.route('/huge.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    res.end(gzipSync(Buffer.alloc(3_000_000, ' ')));
  });
  server.route('/malformed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end('<rss><channel><item><title>Bosch Legacy</tit'));
  server.route('/xxe.xml', (_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>x</title><item><title>Bosch Legacy &xxe;</title><link>https://evil.example/1</link></item></channel></rss>',
      ),
  );
  server.route('/html.xml', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Bosch Legacy</body></html>'));
  dynamo = await startTestDynamo();
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-pipeline-'));
});

afterAll(async () => {
  await server?.close();
  await dynamo?.close();
});

function config(extraSources: { id: string; path: string }[] = []): Config {
  const feedSource = (id: string, path: string) => ({ id, type: 'rss', url: `${server.url}${path}`, topics: ['bosch-legacy'] });
  return parseConfig(
    {
      topics: [
        {
          id: 'bosch-legacy',
          name: 'Bosch: Legacy',
          keywords: ['bosch legacy'],
          exclude: ['power tools'],
          petitionKeywords: ['petition', 'change.org'],
        },
      ],
      sources: [
        feedSource('forum', '/forum.xml'),
        feedSource('aggregator', '/aggregator.xml'),
        feedSource('news', '/news.xml'),
        ...extraSources.map(({ id, path }) => feedSource(id, path)),
      ],
      poll: { timeoutMs: 1000, maxBytes: 1_000_000 },
    },
    'test config',
  );
}

let sinkFiles = 0;
function sinkFile(): { sink: AlertSink; file: string } {
  const file = join(dir, `alerts-${sinkFiles++}.jsonl`);
  return { sink: createLocalSink({ file, out: new PassThrough() }), file };
}

/** Sources whose server never finishes answering: only they get a short timeout. */
const STALLING = new Set(['hangs', 'drips']);

async function pass(cfg: Config, store: Store, sink: AlertSink, now = NOW): Promise<PassReport> {
  // A healthy source must never time out however loaded the machine is: it gets a minute, and only
  // the stalling ones (which never finish, whatever the load) get 500 ms.
  const patient = createHttpFetcher({ ...cfg.poll, timeoutMs: 60_000, sleep: async () => {} });
  const stalling = createHttpFetcher({ ...cfg.poll, timeoutMs: 500, sleep: async () => {} });
  const sources = cfg.sources.map((source) => createSource(source, STALLING.has(source.id) ? stalling : patient));
  return runPass({ config: cfg, store, sources, sink, now, log: { info: () => {}, warn: () => {} } });
}

/** Everything a user can read back: hourly trends (topic-wide and per source) and alerts. */
async function snapshot(cfg: Config, store: Store) {
  const params = { since: '3d', bucket: 'hour', format: 'json' } as const;
  const topicWide = await readTrends(store, cfg, params, NOW);
  const perSource = await Promise.all(cfg.sources.map((s) => readTrends(store, cfg, { ...params, source: s.id }, NOW)));
  // Delivery times and the exact numbers depend on when a pass ran; the spike itself must not.
  const alerts = (await readAlerts(store, { since: '3d', format: 'json' }, NOW)).map(({ id, topic, kind, windowStart, count }) => ({ id, topic, kind, windowStart, count }));
  const nonZero = (b: { posts: number }) => b.posts > 0;
  return { topicWide: topicWide.filter(nonZero), perSource: perSource.map((s) => s.filter(nonZero)), alerts };
}

const expectedHourly = (entries: FeedEntry[]) => {
  const counts = new Map<string, { posts: number; petition: number }>();
  for (const e of entries) {
    if (!/bosch legacy|bosch: legacy/i.test(e.title)) continue;
    const hour = new Date(Math.floor(e.published!.getTime() / 3_600_000) * 3_600_000).toISOString();
    const c = counts.get(hour) ?? { posts: 0, petition: 0 };
    c.posts++;
    if (/petition/i.test(e.title + (e.description ?? ''))) c.petition++;
    counts.set(hour, c);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([bucketStart, c]) => ({ bucketStart, posts: c.posts, petitionMentions: c.petition }));
};

describe('runPass', () => {
  it('stores exact hourly counts, counts a story linked from two sources once, and raises one alert', async () => {
    const { store } = await dynamo.newStore();
    const cfg = config();
    const { sink, file } = sinkFile();
    const report = await pass(cfg, store, sink);
    expect(report.sources.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);

    const snap = await snapshot(cfg, store);
    const union = [...showEntries('forum'), ...shared];
    expect(snap.topicWide.map(({ bucketStart, posts, petitionMentions }) => ({ bucketStart, posts, petitionMentions }))).toEqual(expectedHourly(union));
    // The aggregator's three stories are the forum's: they count in the aggregator's own buckets.
    expect(snap.perSource[1]!.reduce((n, b) => n + b.posts, 0)).toBe(3);

    expect(report.alertsRaised).toHaveLength(1);
    expect(report.alertsDelivered).toHaveLength(1);
    const delivered = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(delivered).toHaveLength(1);
    expect(delivered[0].topic).toBe('bosch-legacy');
    expect(delivered[0].count).toBe(24);
    expect(delivered[0].topPosts.length).toBeGreaterThan(0);
  });

  it('writes nothing and alerts nothing more when the same feeds are polled again', async () => {
    const { store } = await dynamo.newStore();
    const cfg = config();
    const { sink, file } = sinkFile();
    await pass(cfg, store, sink);
    const before = await snapshot(cfg, store);
    const requestsBefore = server.requests.length;
    const second = await pass(cfg, store, sink, new Date(NOW.getTime() + 5 * 60_000));
    expect(second.sources.map((s) => s.status)).toEqual(['not-modified', 'not-modified', 'not-modified']);
    expect(server.requests.slice(requestsBefore).every((r) => r.headers['if-none-match'])).toBe(true);
    expect(second.newPosts).toBe(0);
    expect(second.bucketWrites).toBe(0);
    expect(await snapshot(cfg, store)).toEqual(before);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('runs overlapping passes one at a time, with the data of one clean pass', async () => {
    const { store } = await dynamo.newStore();
    const cfg = config();
    const { sink, file } = sinkFile();
    const reports = await Promise.all([pass(cfg, store, sink), pass(cfg, store, sink)]);
    expect(reports.filter((r) => r.skipped !== null)).toHaveLength(1);
    const { store: clean } = await dynamo.newStore();
    await pass(cfg, clean, sinkFile().sink);
    expect(await snapshot(cfg, store)).toEqual(await snapshot(cfg, clean));
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('stores the healthy sources exactly while broken ones fail with their kind', async () => {
    const { store } = await dynamo.newStore();
    const broken = [
      { id: 'status-500', path: '/broken-500.xml' },
      { id: 'hangs', path: '/hangs.xml' },
      { id: 'drips', path: '/drips.xml' },
      { id: 'huge', path: '/huge.xml' },
      { id: 'malformed', path: '/malformed.xml' },
      { id: 'html-page', path: '/html.xml' },
      { id: 'missing', path: '/nope.xml' },
    ];
    const cfg = config(broken);
    const report = await pass(cfg, store, sinkFile().sink);
    const byId = Object.fromEntries(report.sources.map((s) => [s.sourceId, s]));
    expect(byId['status-500']).toMatchObject({ status: 'failed', kind: 'http-status' });
    expect(byId['hangs']).toMatchObject({ status: 'failed', kind: 'timeout' });
    expect(byId['drips']).toMatchObject({ status: 'failed', kind: 'timeout' });
    expect(byId['huge']).toMatchObject({ status: 'failed', kind: 'too-large' });
    expect(byId['html-page']).toMatchObject({ status: 'failed', kind: 'not-a-feed' });
    expect(byId['missing']).toMatchObject({ status: 'failed', kind: 'http-status' });
    // Malformed XML is either recovered or reported as not a feed, never a crash of the pass.
    expect(['ok', 'failed']).toContain(byId['malformed']!.status);

    const { store: clean } = await dynamo.newStore();
    await pass(config(), clean, sinkFile().sink);
    const snap = await snapshot(cfg, store);
    const reference = await snapshot(config(), clean);
    expect(snap.topicWide).toEqual(reference.topicWide);
    expect(snap.alerts).toEqual(reference.alerts);

    const states = await store.getSourceStates(['hangs', 'forum']);
    expect(states.get('hangs')).toMatchObject({ health: 'failing', lastErrorKind: 'timeout', consecutiveFailures: 1 });
    expect(states.get('forum')).toMatchObject({ health: 'ok', lastError: null });
  });

  it('never resolves an XXE entity from outside the document', async () => {
    const { store } = await dynamo.newStore();
    const cfg = config([{ id: 'xxe', path: '/xxe.xml' }]);
    const report = await pass(cfg, store, sinkFile().sink);
    const xxe = report.sources.find((s) => s.sourceId === 'xxe')!;
    expect(['ok', 'failed']).toContain(xxe.status);
    const snap = await snapshot(cfg, store);
    expect(JSON.stringify(snap)).not.toContain('root:');
  });

  it('keeps an alert the sink refused pending and delivers it once on the next pass', async () => {
    const { store } = await dynamo.newStore();
    const cfg = config();
    const refusing = createLocalSink({ file: join(dir, 'no-such-dir-file', '\0bad'), out: new PassThrough() });
    const first = await pass(cfg, store, refusing);
    expect(first.alertsRaised).toHaveLength(1);
    expect(first.alertsDelivered).toHaveLength(0);
    expect(first.alertsPending).toHaveLength(1);

    const { sink, file } = sinkFile();
    const second = await pass(cfg, store, sink, new Date(NOW.getTime() + 15 * 60_000));
    expect(second.alertsRaised).toHaveLength(0);
    expect(second.alertsDelivered.map((a) => a.id)).toEqual(first.alertsPending.map((a) => a.id));
    const third = await pass(cfg, store, sink, new Date(NOW.getTime() + 30 * 60_000));
    expect(third.alertsDelivered).toHaveLength(0);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);
    expect((await readAlerts(store, { since: '3d', format: 'json' }, NOW)).map((a) => a.status)).toEqual(['sent']);
  });
});

describe('runPass after a crash', () => {
  // One pass per store call: minutes on a loaded 2-core machine, so no tight limit.
  it('leaves exactly the data of one clean pass when re-run after a crash at any store call', { timeout: 600_000 }, async () => {
    const cfg = config();
    const { store: clean } = await dynamo.newStore();
    const { sink: cleanSink, file: cleanFile } = sinkFile();
    await pass(cfg, clean, cleanSink);
    const reference = await snapshot(cfg, clean);
    expect(reference.alerts).toHaveLength(1);

    // Count the store calls of one clean pass, then crash after each of them in turn.
    const counter = crashingClient(dynamo.endpoint, Number.POSITIVE_INFINITY);
    const { store: counted } = await dynamo.newStore({ client: counter.client });
    await pass(cfg, counted, sinkFile().sink);
    const totalCalls = counter.calls();
    expect(totalCalls).toBeGreaterThan(5);

    for (let crashAfter = 1; crashAfter <= totalCalls; crashAfter++) {
      const crashing = crashingClient(dynamo.endpoint, crashAfter);
      const { store: crashed, tableName } = await dynamo.newStore({ client: crashing.client });
      const { sink, file } = sinkFile();
      const outcome = await pass(cfg, crashed, sink).then(
        () => 'completed',
        () => 'crashed',
      );
      // Only a crash on the very last call (releasing the lock, which a pass may fail to do) lets it finish.
      expect(outcome).toBe(crashAfter === totalCalls ? 'completed' : 'crashed');
      const { store: rerun } = await dynamo.newStore({ tableName });
      // The next scheduled pass: after the dead pass's locks have run out.
      const rerunReport = await pass(cfg, rerun, sink, new Date(NOW.getTime() + PASS_LEASE_MS));
      expect(rerunReport.skipped).toBeNull();
      expect(await snapshot(cfg, rerun), `crash after store call ${crashAfter}`).toEqual(reference);
      const lines = (await readFile(file, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
      // Never lost; at most one duplicate, and only when the crash fell between send and mark-sent.
      expect(lines.length, `alerts delivered after crash ${crashAfter}`).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(2);
    }
    expect((await readFile(cleanFile, 'utf8')).trim().split('\n')).toHaveLength(1);
  });
});
