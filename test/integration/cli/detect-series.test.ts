// `fanpulse detect --series` replays each kind of alert over what `fanpulse trends --format csv`
// writes: a real feed is polled into a real data dir, exported by the real trends command, and
// replayed. Every expected number is counted by hand from the feed (test/helpers/surge-feed.ts).

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines, type CliResult } from '../../helpers/cli.ts';
import { rssFeed } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';
import { surgeFeedEntries } from '../../helpers/surge-feed.ts';

const NOW = '2026-11-20T12:20:00Z';
const H0 = Date.parse('2026-11-20T12:00:00Z');

let server: TestServer;
let dir: string;
let configFile: string;
let hourly: string;
let daily: string;

const cli = (...args: string[]) => runCli([...args, '--config', configFile]);
const findings = (result: CliResult) => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
};

beforeAll(async () => {
  server = await startTestServer();
  server.route('/fans.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Fans', surgeFeedEntries(H0))));
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-detect-series-'));
  configFile = join(dir, 'fanpulse.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [{ id: 'show', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
      sources: [{ id: 'fans', type: 'rss', url: `${server.url}/fans.xml`, topics: ['show'] }],
      poll: { timeoutMs: 60_000 },
    }),
  );
  const data = ['--data-dir', join(dir, 'data')];
  const poll = await cli('poll', '--once', '--now', NOW, ...data);
  expect(poll.code, poll.stderr).toBe(0);
  // One at a time: the embedded store's data dir is opened by one process at once.
  const hours = await cli('trends', '--since', '5d', '--bucket', 'hour', '--format', 'csv', '--now', NOW, ...data);
  const days = await cli('trends', '--since', '5d', '--bucket', 'day', '--format', 'csv', '--now', NOW, ...data);
  expect([hours.code, days.code], hours.stderr + days.stderr).toEqual([0, 0]);
  hourly = join(dir, 'show-hourly.csv');
  daily = join(dir, 'show-daily.csv');
  await writeFile(hourly, hours.stdout);
  await writeFile(daily, days.stdout);
});

afterAll(async () => {
  await server?.close();
});

describe('fanpulse detect --series on a trends export', () => {
  it('replays the petition spike over petitionMentions by default', async () => {
    expect(findings(await cli('detect', '--series', hourly))).toEqual([
      expect.objectContaining({ topic: 'show', kind: 'petition-spike', windowStart: '2026-11-20T12:00:00.000Z', windowEnd: '2026-11-20T13:00:00.000Z', count: 10 }),
    ]);
  });

  it('replays the volume spike over all posts', async () => {
    expect(findings(await cli('detect', '--series', hourly, '--kind', 'volume-spike'))).toEqual([
      expect.objectContaining({ topic: 'show', kind: 'volume-spike', windowStart: '2026-11-20T12:00:00.000Z', windowEnd: '2026-11-20T13:00:00.000Z', count: 40 }),
    ]);
    // --column picks another count: 10 petition mentions are under the volume spike's floor of 20.
    expect(findings(await cli('detect', '--series', hourly, '--kind', 'volume-spike', '--column', 'petitionMentions'))).toEqual([]);
  });

  it('replays the negativity surge over the negative and posts columns', async () => {
    const [surge] = findings(await cli('detect', '--series', hourly, '--kind', 'negativity-surge'));
    // The three hours 10:00-13:00: 2 + 2 + 40 posts; 30 negative (hours 10 and 11 are 2 and 1 before: no "terrible").
    expect(surge).toMatchObject({ topic: 'show', kind: 'negativity-surge', windowStart: '2026-11-20T10:00:00.000Z', windowEnd: '2026-11-20T13:00:00.000Z', count: 30, posts: 44 });
    // The usual share, from the hours before the window (3 to 96 before NOW's hour): 188 posts, 16
    // of them negative (every sixth hour), with half a negative post of prior.
    expect(surge!.usualShare as number).toBeCloseTo(16.5 / 189, 9);

    const table = await cli('detect', '--series', hourly, '--kind', 'negativity-surge', '--format', 'table');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^windowStart\s+windowEnd\s+count\s+baseline\s+threshold\s+pValue\s+posts\s+share\s+usual/);
    expect(table.stdout).toContain('68%'); // 30 of 44
    expect(table.stdout.trimEnd().split('\n').at(-1)).toBe('1 alert(s)');
  });

  it('refuses a daily export, naming its second row', async () => {
    const result = await cli('detect', '--series', daily);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^fanpulse: line 3: \S+ follows \S+ \(line 2\) for topic show: a daily series \(--bucket day\)/);
    expect(stackTraceLines(result.stderr)).toEqual([]);
  });

  it('explains the options that do not fit the series or the kind', async () => {
    const counts = join(dir, 'counts.csv');
    await writeFile(counts, 'timestamp,count\n2026-11-20T10:00:00Z,3\n');
    const [negativityOnCounts, columnOnNegativity, unknownKind, unknownTopic] = await Promise.all([
      cli('detect', '--series', counts, '--kind', 'negativity-surge'),
      cli('detect', '--series', hourly, '--kind', 'negativity-surge', '--column', 'negative'),
      cli('detect', '--series', hourly, '--kind', 'sad-spike'),
      cli('detect', '--series', hourly, '--topic', 'ballard'),
    ]);
    expect(negativityOnCounts.stderr).toMatch(/--kind negativity-surge needs the posts and negative columns: export the series with fanpulse trends/);
    expect(columnOnNegativity.stderr).toMatch(/--column: negativity-surge reads the negative and posts columns/);
    expect(unknownKind.stderr).toMatch(/kind: must be "petition-spike", "volume-spike", "negativity-surge"/);
    expect(unknownTopic.stderr).toMatch(/--topic ballard: the series holds show/);
    for (const result of [negativityOnCounts, columnOnNegativity, unknownKind, unknownTopic]) expect(result.code).toBe(2);
  });
});
