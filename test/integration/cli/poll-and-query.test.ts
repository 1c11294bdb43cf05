// `fanpulse poll --once` against a local feed server, then the query commands on the same data
// dir, each in its own process as a user runs them. Every expected number below is counted by hand
// from the two feeds this file serves (the comments beside each entry say how it scores).

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrendBucket } from '../../../lambdas/query/answers.ts';
import { runCli, stackTraceLines, type CliResult } from '../../helpers/cli.ts';
import { rssFeed, type FeedEntry } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const HOUR = 3_600_000;
const NOW = '2026-11-20T12:20:00Z';
/** The hour NOW is in. */
const H0 = Date.parse('2026-11-20T12:00:00Z');
const at = (hoursBefore: number, minutes: number) => new Date(H0 - hoursBefore * HOUR + minutes * 60_000);

// Scores, by VADER's ratings scaled ×1.25 and the campaign lexicon: "wonderful" 2.7 → +3.375,
// "great" 3.1 → +3.875, "please" 1.3 → +1.625, "terrible" −2.1 → −2.625, "save" +2, "cancelled" −3,
// "sign" and "petition" 0 (campaign); every other word here is in no list.
// Labels: positive above +0.5, negative below 0, else neutral.
const PETITION = 'Sign the petition for Bosch Legacy'; // petition, 0, neutral
const PRAISE = 'Bosch Legacy finale was wonderful'; // +3.375, positive

const fansEntries: FeedEntry[] = [
  // Three quiet days: one post every 8 hours, petition and praise in turn.
  ...[10, 26, 42, 58].map((h) => ({ title: PETITION, link: `https://fans.example/p/${h}`, published: at(h, 10) })),
  ...[18, 34, 50, 66].map((h) => ({ title: PRAISE, link: `https://fans.example/p/${h}`, published: at(h, 10) })),
  { title: 'Ballard premiere date announced', link: 'https://fans.example/b/27', published: at(27, 10) }, // ballard, 0, neutral
  { title: 'Ballard trailer looks great', link: 'https://fans.example/b/3', published: at(3, 10) }, // ballard, +3.875, positive
  { title: 'Ballard and Bosch Legacy crossover', link: 'https://fans.example/x/2', published: at(2, 10) }, // both topics, 0, neutral
  { title: 'Bosch Legacy power tools on sale', link: 'https://fans.example/tools', published: at(1, 10) }, // excluded: no topic
  // The wave: 30 petition posts in the first 15 minutes of the current hour.
  ...Array.from({ length: 30 }, (_, i) =>
    i < 20
      ? { title: 'Please sign the petition to save Bosch Legacy', link: `https://fans.example/wave/${i}`, published: at(0, i / 2) } // +3.625, positive
      : { title: 'Sign the petition: Bosch Legacy cancelled', link: `https://fans.example/wave/${i}`, published: at(0, i / 2) }, // −3, negative
  ),
];

const newsEntries: FeedEntry[] = [
  { title: 'Bosch Legacy season recap', link: 'https://news.example/recap', published: at(4, 10) }, // 0, neutral
  { title: PRAISE, link: 'https://fans.example/p/18', published: at(18, 10) }, // the fans' story again: counted once per topic
  { title: 'Ballard trailer looks great', link: 'https://news.example/ballard', published: at(3, 20) }, // news follows bosch-legacy only
  { title: 'Terrible news: Bosch Legacy cancelled', link: 'https://news.example/axed', published: at(2, 40) }, // −5.625, negative
];

/** The fields of a trend bucket the contract promises (DESIGN.md), and this file counts by hand. */
type Bucket = Pick<TrendBucket, 'topic' | 'source' | 'bucketStart' | 'posts' | 'petitionMentions' | 'positive' | 'negative' | 'neutral' | 'sentimentMean'>;

type Counts = [posts: number, petitionMentions: number, positive: number, negative: number, neutral: number, sentimentMean: number];

/** A continuous series from `first` (inclusive) in steps of `step`, zeros except where `nonZero` says. */
function series(topic: string, source: string | null, first: string, count: number, step: number, nonZero: Record<string, Counts>): Bucket[] {
  return Array.from({ length: count }, (_, i) => {
    const bucketStart = new Date(Date.parse(first) + i * step).toISOString();
    const [posts, petitionMentions, positive, negative, neutral, sentimentMean] = nonZero[bucketStart] ?? [0, 0, 0, 0, 0, 0];
    return { topic, source, bucketStart, posts, petitionMentions, positive, negative, neutral, sentimentMean };
  });
}

// `--since 2d` at NOW starts at 2026-11-18T12:20, read from its hour; the default --until is the end
// of NOW's hour: 49 hourly buckets, 2026-11-18T12:00 … 2026-11-20T12:00.
const SINCE_2D_FIRST = '2026-11-18T12:00:00.000Z';
const SINCE_2D_HOURS = 49;

const boschHourly: Record<string, Counts> = {
  '2026-11-18T18:00:00.000Z': [1, 1, 0, 0, 1, 0], // petition, 42 h before
  '2026-11-19T02:00:00.000Z': [1, 0, 1, 0, 0, 3.375], // praise, 34 h
  '2026-11-19T10:00:00.000Z': [1, 1, 0, 0, 1, 0], // petition, 26 h
  '2026-11-19T18:00:00.000Z': [1, 0, 1, 0, 0, 3.375], // praise, 18 h, from fans and news: once
  '2026-11-20T02:00:00.000Z': [1, 1, 0, 0, 1, 0], // petition, 10 h
  '2026-11-20T08:00:00.000Z': [1, 0, 0, 0, 1, 0], // news recap
  '2026-11-20T10:00:00.000Z': [2, 0, 0, 1, 1, -5.625 / 2], // crossover (0) + terrible news (−5.625)
  '2026-11-20T12:00:00.000Z': [30, 30, 20, 10, 0, (20 * 3.625 - 10 * 3) / 30], // the wave: 20 × +3.625, 10 × −3
};
const ballardHourly: Record<string, Counts> = {
  '2026-11-19T09:00:00.000Z': [1, 0, 0, 0, 1, 0],
  '2026-11-20T09:00:00.000Z': [1, 0, 1, 0, 0, 3.875],
  '2026-11-20T10:00:00.000Z': [1, 0, 0, 0, 1, 0],
};

let server: TestServer;
let dir: string;
let configFile: string;
let firstPoll: CliResult;

const cli = (...args: string[]) => runCli([...args, '--config', configFile, '--data-dir', join(dir, 'data')]);
const json = <T>(result: CliResult): T => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
};
const trends = async (...args: string[]) => json<Bucket[]>(await cli('trends', '--format', 'json', '--now', NOW, ...args));

/** Compares buckets field by field; sentimentMean to 4 decimals (24/34 is not a short decimal). */
function expectBuckets(actual: Bucket[], expected: Bucket[]): void {
  const pick = ({ topic, source, bucketStart, posts, petitionMentions, positive, negative, neutral }: Bucket) => ({
    topic, source, bucketStart, posts, petitionMentions, positive, negative, neutral,
  });
  expect(actual.map(pick)).toEqual(expected.map(pick));
  actual.forEach((bucket, i) => expect(bucket.sentimentMean, bucket.bucketStart).toBeCloseTo(expected[i]!.sentimentMean, 4));
}

beforeAll(async () => {
  server = await startTestServer();
  for (const [path, body] of [['/fans.xml', rssFeed('Fans', fansEntries)], ['/news.xml', rssFeed('News', newsEntries)]] as const) {
    server.route(path, (req, res) => {
      const etag = `"${path}-v1"`;
      if (req.headers['if-none-match'] === etag) return res.writeHead(304).end();
      return res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(body);
    });
  }
  server.route('/broken.xml', (_req, res) => res.writeHead(500).end('boom'));
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-poll-'));
  configFile = join(dir, 'fanpulse.config.json');
  const source = (id: string, path: string, topics: string[]) => ({ id, type: 'rss', url: `${server.url}${path}`, topics });
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [
        { id: 'bosch-legacy', keywords: ['bosch legacy'], exclude: ['power tools'], petitionKeywords: ['petition'] },
        { id: 'ballard', keywords: ['ballard'], petitionKeywords: ['petition'] },
      ],
      sources: [source('fans', '/fans.xml', ['bosch-legacy', 'ballard']), source('news', '/news.xml', ['bosch-legacy']), source('broken', '/broken.xml', ['bosch-legacy'])],
      poll: { timeoutMs: 60_000 },
    }),
  );
  firstPoll = await cli('poll', '--once', '--now', NOW);
});

afterAll(async () => {
  await server?.close();
});

describe('fanpulse poll --once', () => {
  it('exits 0 with a failing source, reporting the failure on stderr and the pass on stdout', () => {
    expect(firstPoll.code).toBe(0);
    expect(firstPoll.stdout).toContain('fans: 42 items, 41 matched a topic');
    expect(firstPoll.stdout).toContain('news: 4 items, 3 matched a topic');
    expect(firstPoll.stdout).toMatch(/broken: FAILED \(http-status\)/);
    expect(firstPoll.stderr).toMatch(/source broken failed \(http-status\).*500/);
    expect(stackTraceLines(firstPoll.stderr)).toEqual([]);
  });
});

describe('fanpulse trends after one pass', () => {
  it('gives the hand-counted hourly buckets of every topic as JSON, empty hours as zeros', async () => {
    expectBuckets(await trends('--since', '2d'), [
      ...series('bosch-legacy', null, SINCE_2D_FIRST, SINCE_2D_HOURS, HOUR, boschHourly),
      ...series('ballard', null, SINCE_2D_FIRST, SINCE_2D_HOURS, HOUR, ballardHourly),
    ]);
  });

  it('rolls one topic up into UTC days with --bucket day --topic', async () => {
    // The default --since 7d reaches back to 2026-11-13T12:20: eight days, 11-13 … 11-20.
    expectBuckets(
      await trends('--bucket', 'day', '--topic', 'bosch-legacy'),
      series('bosch-legacy', null, '2026-11-13T00:00:00.000Z', 8, 24 * HOUR, {
        '2026-11-17T00:00:00.000Z': [1, 0, 1, 0, 0, 3.375], // praise at 18:00
        '2026-11-18T00:00:00.000Z': [3, 2, 1, 0, 2, 3.375 / 3], // petition 02:00, praise 10:00, petition 18:00
        '2026-11-19T00:00:00.000Z': [3, 1, 2, 0, 1, 6.75 / 3], // praise 02:00, petition 10:00, praise 18:00
        '2026-11-20T00:00:00.000Z': [34, 31, 20, 11, 3, (-5.625 + 20 * 3.625 - 10 * 3) / 34], // petition, recap, crossover, terrible, the wave
      }),
    );
  });

  it("gives one source's own counts with --source, including a story another source also linked", async () => {
    expectBuckets(
      await trends('--since', '2d', '--source', 'news'),
      series('bosch-legacy', 'news', SINCE_2D_FIRST, SINCE_2D_HOURS, HOUR, {
        '2026-11-19T18:00:00.000Z': [1, 0, 1, 0, 0, 3.375],
        '2026-11-20T08:00:00.000Z': [1, 0, 0, 0, 1, 0],
        '2026-11-20T10:00:00.000Z': [1, 0, 0, 1, 0, -5.625],
      }),
    );
  });

  it('stops before --until, leaving the wave out', async () => {
    expectBuckets(
      await trends('--topic', 'bosch-legacy', '--since', '2026-11-20T00:00:00Z', '--until', '2026-11-20T11:00:00Z'),
      series('bosch-legacy', null, '2026-11-20T00:00:00.000Z', 11, HOUR, {
        '2026-11-20T02:00:00.000Z': [1, 1, 0, 0, 1, 0],
        '2026-11-20T08:00:00.000Z': [1, 0, 0, 0, 1, 0],
        '2026-11-20T10:00:00.000Z': [2, 0, 0, 1, 1, -5.625 / 2],
      }),
    );
  });

  it('writes the same numbers as CSV under one header line', async () => {
    const result = await cli('trends', '--format', 'csv', '--since', '2d', '--now', NOW);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toBe('topic,source,bucketStart,posts,petitionMentions,positive,negative,neutral,sentimentMean');
    const expected = [
      ...series('bosch-legacy', null, SINCE_2D_FIRST, SINCE_2D_HOURS, HOUR, boschHourly),
      ...series('ballard', null, SINCE_2D_FIRST, SINCE_2D_HOURS, HOUR, ballardHourly),
    ].map((b) => [b.topic, 'all', b.bucketStart, b.posts, b.petitionMentions, b.positive, b.negative, b.neutral, b.sentimentMean.toFixed(2)].join(','));
    expect(rows).toEqual(expected);
  });

  it('prints a readable table of the active hours, saying how many empty ones it left out', async () => {
    const result = await cli('trends', '--since', '2d', '--now', NOW);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['topic', 'hour (UTC)', 'posts', 'petition', 'positive', 'negative', 'neutral', 'mean sentiment']);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    // 8 active bosch-legacy hours and 3 ballard hours of 2 × 49.
    const rows = lines.slice(2, -1).map((line) => line.split(/\s{2,}/));
    expect(rows).toHaveLength(11);
    expect(rows).toContainEqual(['bosch-legacy', '2026-11-20 12:00', '30', '30', '20', '10', '0', '1.42']);
    expect(rows).toContainEqual(['bosch-legacy', '2026-11-20 10:00', '2', '0', '0', '1', '1', '-2.81']);
    expect(rows).toContainEqual(['ballard', '2026-11-20 09:00', '1', '0', '1', '0', '0', '3.88']);
    expect(lines.at(-1)).toBe('(87 empty hours not shown; use --format json or csv for the full series)');
  });
});

describe('fanpulse alerts and sources after a petition wave', () => {
  const expectOneWaveAlert = (alerts: Record<string, unknown>[]) => {
    expect(alerts).toHaveLength(1);
    // The 1-hour window at 12:20 holds every bucket overlapping 11:20–12:20: 11:00 (no petition
    // mention) and 12:00 (the wave's 30).
    expect(alerts[0]).toMatchObject({
      topic: 'bosch-legacy',
      kind: 'petition-spike',
      windowStart: '2026-11-20T11:00:00.000Z',
      windowEnd: '2026-11-20T12:20:00.000Z',
      count: 30,
    });
    // Three days of at most one mention every 16 hours: whatever the model, far below 30.
    expect(alerts[0]!.baseline).toBeTypeOf('number');
    expect(alerts[0]!.baseline as number).toBeLessThan(5);
  };

  it('lists exactly one spike, and a second pass five minutes later adds no alert and changes no count', async () => {
    expectOneWaveAlert(json(await cli('alerts', '--format', 'json', '--now', NOW)));
    const sinkLines = (await readFile(join(dir, 'data', 'alerts.jsonl'), 'utf8')).trim().split('\n');
    expect(sinkLines).toHaveLength(1);
    // Where each channel stands: here only the sink (no `notify`), sent in the pass at NOW.
    const [listed] = json<{ deliveries: unknown }[]>(await cli('alerts', '--format', 'json', '--now', NOW));
    expect(listed!.deliveries).toEqual([{ channel: 'sink', status: 'sent', at: '2026-11-20T12:20:00.000Z', retryAt: null, attempts: 1, lastError: null }]);
    const table = (await cli('alerts', '--now', NOW)).stdout.split('\n');
    expect(table[0]).toMatch(/\bstatus\s+channels\s+topPost$/);
    expect(table[2]).toMatch(/\bsent\s+sink sent 2026-11-20T12:20Z\s/);

    const before = await trends('--since', '2d');
    const second = await cli('poll', '--once', '--now', '2026-11-20T12:25:00Z');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('fans: not modified');
    expect(second.stdout).toContain('news: not modified');
    expect(second.stdout).toContain('alerts raised 0');

    expectOneWaveAlert(json(await cli('alerts', '--format', 'json', '--now', '2026-11-20T12:25:00Z')));
    expect(await trends('--since', '2d')).toEqual(before);
    expect((await readFile(join(dir, 'data', 'alerts.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);

    // Sources after both passes: the feeds answered 304 the second time (items seen unchanged),
    // the broken one failed twice.
    const sources = json<Record<string, unknown>[]>(await cli('sources', '--format', 'json'));
    expect(sources.map((s) => s.sourceId)).toEqual(['fans', 'news', 'broken']);
    expect(sources[0]).toMatchObject({ type: 'rss', health: 'ok', lastSuccess: '2026-11-20T12:25:00.000Z', lastError: null, itemsSeen: 42 });
    expect(sources[1]).toMatchObject({ type: 'rss', health: 'ok', lastSuccess: '2026-11-20T12:25:00.000Z', lastError: null, itemsSeen: 4 });
    expect(sources[2]).toMatchObject({ type: 'rss', health: 'failing', lastSuccess: null, lastErrorKind: 'http-status', itemsSeen: 0, consecutiveFailures: 2 });
    expect(sources[2]!.lastError).toMatch(/500/);
  });
});
