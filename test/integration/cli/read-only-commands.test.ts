// The commands that store nothing: `score`, `inspect` (a file and a URL) and `detect` (a backtest
// over a CSV series), run as a user runs them. Expected values are read off the inputs by hand.

import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines, type CliResult } from '../../helpers/cli.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const fixture = (path: string) => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));
const VALID_CONFIG = fixture('configs/valid.json');
const HTML_PAGE = fixture('feeds/html-page.html');

// Three items: a petition post with every field, an undated post with no guid or author, and an
// excluded one ("power tools") with a link relative to the channel link and a +0100 date.
const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Fans</title>
    <link>https://fans.example/</link>
    <description>fan posts</description>
    <item>
      <title>Please sign the petition to save Bosch Legacy</title>
      <link>https://fans.example/posts/1</link>
      <guid isPermaLink="false">fans-1</guid>
      <dc:creator>Jane Fan</dc:creator>
      <pubDate>Fri, 20 Nov 2026 12:05:00 GMT</pubDate>
      <description>&lt;p&gt;Sign at &lt;b&gt;change.org&lt;/b&gt; today&lt;/p&gt;</description>
    </item>
    <item>
      <title>Ballard trailer looks great</title>
      <link>https://fans.example/posts/2</link>
      <description>Undated post</description>
    </item>
    <item>
      <title>Bosch Legacy power tools on sale</title>
      <link>/deals/3</link>
      <pubDate>Thu, 19 Nov 2026 08:00:00 +0100</pubDate>
      <description>Terrible prices</description>
    </item>
  </channel>
</rss>
`;

// Scores: VADER's ratings ×1.25, "please" 1.3 → +1.625, "great" 3.1 → +3.875, "terrible" −2.1 → −2.625;
// "save" +2, "sign" and "petition" 0 in the campaign lexicon; no other word here is in a list.
// Positive above +0.5, negative below 0.
const EXPECTED_POSTS = [
  {
    id: 'fans-1',
    link: 'https://fans.example/posts/1',
    published: '2026-11-20T12:05:00.000Z',
    author: 'Jane Fan',
    title: 'Please sign the petition to save Bosch Legacy',
    text: 'Sign at change.org today',
    topics: ['bosch-legacy'],
    petition: true,
    score: 3.625,
    label: 'positive',
  },
  {
    id: 'https://fans.example/posts/2',
    link: 'https://fans.example/posts/2',
    published: null,
    author: null,
    title: 'Ballard trailer looks great',
    text: 'Undated post',
    topics: ['ballard'],
    petition: false,
    score: 3.875,
    label: 'positive',
  },
  {
    id: 'https://fans.example/deals/3',
    link: 'https://fans.example/deals/3',
    published: '2026-11-19T07:00:00.000Z',
    author: null,
    title: 'Bosch Legacy power tools on sale',
    text: 'Terrible prices',
    topics: [],
    petition: false,
    score: -2.625,
    label: 'negative',
  },
];

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer({
    '/feed.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED),
    '/page.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><h1>Bosch Legacy fan site</h1></body></html>'),
  });
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-read-'));
});

afterAll(async () => {
  await server?.close();
});

/** A failure a user can act on: the code, one "fanpulse:" message, no stack trace, nothing on stdout. */
function expectCleanFailure(result: CliResult, code: number, message: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^fanpulse: /);
  expect(result.stderr).toMatch(message);
  expect(stackTraceLines(result.stderr)).toEqual([]);
}

describe('fanpulse score', () => {
  it('prints one JSON object per stdin line with score, comparative and label', async () => {
    const result = await runCli(['score'], { stdin: 'I love it\nThis is terrible\nBosch Legacy season recap\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    // "love" +3 and "terrible" −3 over three words each; the last line has no sentiment word.
    expect(lines).toEqual([
      // love 3.2 → 4 over 3 tokens; terrible −2.625 over 3
      expect.objectContaining({ score: 4, comparative: 1.3333, label: 'positive' }),
      expect.objectContaining({ score: -2.625, comparative: -0.875, label: 'negative' }),
      expect.objectContaining({ score: 0, comparative: 0, label: 'neutral' }),
    ]);
  });
});

describe('fanpulse inspect', () => {
  it('shows what the pipeline makes of each item of a feed file, storing nothing', async () => {
    const file = join(dir, 'feed.xml');
    await writeFile(file, FEED);
    const result = await runCli(['inspect', file, '--format', 'json', '--config', VALID_CONFIG], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED_POSTS);
    expect(existsSync(join(dir, '.fanpulse'))).toBe(false);
  });

  it('reads a feed URL the same way', async () => {
    const result = await runCli(['inspect', `${server.url}/feed.xml`, '--format', 'json', '--config', VALID_CONFIG]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED_POSTS);
  });

  it('prints a table with one row per item and a count', async () => {
    const result = await runCli(['inspect', `${server.url}/feed.xml`, '--config', VALID_CONFIG]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(['published', 'topics', 'petition', 'score', 'label', 'title']);
    expect(lines).toHaveLength(2 + 3 + 1);
    expect(lines.at(-1)).toBe('3 item(s)');
  });

  // A document that is not a feed is a runtime failure of the input (NotAFeedError, a FanpulseError):
  // bin/fanpulse.ts maps it to exit 1, as it does a source that cannot be fetched.
  it('refuses an HTML page, from a file or a URL, with a message and exit 1', async () => {
    const [file, url] = await Promise.all([
      runCli(['inspect', HTML_PAGE, '--config', VALID_CONFIG]),
      runCli(['inspect', `${server.url}/page.html`, '--config', VALID_CONFIG]),
    ]);
    expectCleanFailure(file, 1, /HTML page/i);
    expectCleanFailure(url, 1, /HTML page/i);
  });

  it('refuses a file that is no feed at all, and a URL that answers 404, with exit 1', async () => {
    const csv = join(dir, 'counts.csv');
    await writeFile(csv, 'timestamp,count\n2026-11-20T12:00:00Z,3\n');
    const [notFeed, missing] = await Promise.all([
      runCli(['inspect', csv, '--config', VALID_CONFIG]),
      runCli(['inspect', `${server.url}/gone.xml`, '--config', VALID_CONFIG]),
    ]);
    expectCleanFailure(notFeed, 1, /feed/i);
    expectCleanFailure(missing, 1, /404/);
  });

  it('names a file that does not exist as a usage error (exit 2)', async () => {
    expectCleanFailure(await runCli(['inspect', join(dir, 'nope.xml'), '--config', VALID_CONFIG]), 2, /nope\.xml/);
  });
});

describe('fanpulse detect', () => {
  /** Five days of one mention every third hour, 30 at 2026-03-25T00:00Z, then ten quiet hours. */
  function spikeSeries(): string {
    const start = Date.parse('2026-03-20T00:00:00Z');
    const rows = ['timestamp,count'];
    for (let h = 0; h <= 130; h++) {
      const count = h === 120 ? 30 : h % 3 === 0 ? 1 : 0;
      rows.push(`${new Date(start + h * 3_600_000).toISOString()},${count}`);
    }
    return rows.join('\n') + '\n';
  }

  it('finds the one spike in a hand-written series, named after the file', async () => {
    const file = join(dir, 'save-bosch.csv');
    await writeFile(file, spikeSeries());
    const [asJson, asTable] = await Promise.all([
      runCli(['detect', '--series', file, '--format', 'json', '--config', VALID_CONFIG]),
      runCli(['detect', '--series', file, '--format', 'table', '--config', VALID_CONFIG]),
    ]);
    expect(asJson.stderr).toBe('');
    expect(asJson.code).toBe(0);
    const findings = JSON.parse(asJson.stdout) as Record<string, unknown>[];
    expect(findings).toHaveLength(1);
    // The pass at the end of the spike hour tests the hour that just ended.
    expect(findings[0]).toMatchObject({
      topic: 'save-bosch',
      kind: 'petition-spike',
      windowStart: '2026-03-25T00:00:00.000Z',
      windowEnd: '2026-03-25T01:00:00.000Z',
      count: 30,
    });
    // At most one mention an hour before: whatever the model, far below 30.
    expect(findings[0]!.baseline as number).toBeLessThan(5);

    expect(asTable.code).toBe(0);
    expect(asTable.stdout).toMatch(/^windowStart\s+windowEnd\s+count\s+baseline/);
    expect(asTable.stdout).toContain('2026-03-25T00:00:00.000Z');
    expect(asTable.stdout.trimEnd().split('\n').at(-1)).toBe('1 alert(s)');
  });

  it('names the malformed line of a series as a usage error (exit 2)', async () => {
    const file = join(dir, 'broken.csv');
    await writeFile(file, 'timestamp,count\n2026-03-20T00:00:00Z,1\n2026-03-20T01:00:00Z,0\n2026-03-20T02:00:00Z,lots\n');
    expectCleanFailure(await runCli(['detect', '--series', file, '--config', VALID_CONFIG]), 2, /line 4/);
  });
});
