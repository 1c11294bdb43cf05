// Where the CLI's data lives: a store it cannot reach, and two fanpulse processes on one data dir
// (the `poll` loop serving it, `trends` reading it meanwhile), as a user runs them.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines, startCli, type BackgroundCli } from '../../helpers/cli.ts';
import { writeOneFeedConfig } from '../../helpers/campaign-config.ts';
import { rssFeed } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const HOUR = 3_600_000;
const VALID_CONFIG = fileURLToPath(new URL('../../fixtures/configs/valid.json', import.meta.url));

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('fanpulse with a store it cannot reach', () => {
  it('exits 1 naming the store, without a stack trace, for queries and for a pass', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-nostore-'));
    const run = (...args: string[]) => runCli([...args, '--config', VALID_CONFIG, '--data-dir', dir], { env: { DYNAMODB_ENDPOINT: endpoint } });
    const [trends, poll] = await Promise.all([run('trends', '--format', 'json'), run('poll', '--once')]);
    for (const result of [trends, poll]) {
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^fanpulse: cannot reach the trend store/);
      expect(stackTraceLines(result.stderr)).toEqual([]);
    }
  });

  it('names DYNAMODB_ENDPOINT when it is not a URL (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-badenv-'));
    const result = await runCli(['trends', '--config', VALID_CONFIG, '--data-dir', dir], { env: { DYNAMODB_ENDPOINT: 'not a url' } });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/DYNAMODB_ENDPOINT: must be an http\(s\) URL/);
    expect(stackTraceLines(result.stderr)).toEqual([]);
  });
});

describe('fanpulse poll (the loop) and trends on one data dir', () => {
  // Posts relative to the real clock: the loop has no --now. Whole hours back from the current
  // hour, so each post's hour is known whenever the loop's pass runs.
  const hour = Math.floor(Date.now() / HOUR) * HOUR;
  const at = (hoursBefore: number, minutes: number) => new Date(hour - hoursBefore * HOUR + minutes * 60_000);
  const feed = rssFeed('Fans', [
    { title: 'Bosch Legacy finale was wonderful', link: 'https://fans.example/1', published: at(26, 10) }, // wonderful 2.7 × 1.25 = +3.375, positive
    { title: 'Sign the petition for Bosch Legacy', link: 'https://fans.example/2', published: at(5, 10) }, // petition, 0, neutral
    { title: 'Terrible news: Bosch Legacy cancelled', link: 'https://fans.example/3', published: at(2, 10) }, // terrible −2.625 + cancelled −3 = −5.625, negative
    { title: 'Bosch Legacy season recap', link: 'https://fans.example/4', published: at(2, 30) }, // 0, neutral
  ]);
  const bucket = (hoursBefore: number) => new Date(hour - hoursBefore * HOUR).toISOString();
  const expected = [
    { bucketStart: bucket(26), posts: 1, petitionMentions: 0, positive: 1, negative: 0, neutral: 0, sentimentMean: 3.375 },
    { bucketStart: bucket(5), posts: 1, petitionMentions: 1, positive: 0, negative: 0, neutral: 1, sentimentMean: 0 },
    { bucketStart: bucket(2), posts: 2, petitionMentions: 0, positive: 0, negative: 1, neutral: 1, sentimentMean: -5.625 / 2 },
  ].map((b) => ({ topic: 'bosch-legacy', source: null, ...b }));

  let server: TestServer;
  let dataDir: string;
  let configFile: string;
  let loop: BackgroundCli | undefined;

  beforeAll(async () => {
    server = await startTestServer({ '/fans.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed) });
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-loop-'));
    dataDir = join(dir, 'data');
    configFile = join(dir, 'fanpulse.config.json');
    // One pass now, the next in a day: the test stops the loop long before.
    await writeOneFeedConfig(configFile, `${server.url}/fans.xml`, { intervalMinutes: 1440 });
  });

  afterAll(async () => {
    // Only if a failed assertion left it running.
    if (loop && loop.child.exitCode === null && loop.child.signalCode === null) {
      loop.child.kill('SIGKILL');
      await loop.exited;
    }
    await server?.close();
  });

  const activeBuckets = async () => {
    const result = await runCli(['trends', '--format', 'json', '--since', '2d', '--config', configFile, '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as Record<string, unknown>[])
      .filter((b) => (b.posts as number) > 0)
      .map((b) => Object.fromEntries(Object.keys(expected[0]!).map((field) => [field, b[field]])));
  };

  it('answers trends from the running loop, which stops on SIGINT with exit 0 and no stale server.json', async () => {
    loop = startCli(['poll', '--config', configFile, '--data-dir', dataDir]);
    await loop.waitForStdout(/^stored \d+ new posts/m);
    expect(loop.stdout()).toContain('fans: 4 items, 4 matched a topic');

    // The loop serves the data dir; a second process must join it (two dynalites on one LevelDB crash).
    const record = JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8')) as { pid: number };
    expect(record.pid).toBe(loop.child.pid);
    expect(await activeBuckets()).toEqual(expected);
    expect(loop.child.exitCode).toBeNull();

    loop.child.kill('SIGINT');
    expect(await loop.exited).toBe(0);
    expect(loop.stdout().trimEnd().split('\n').at(-1)).toBe('stopped');
    expect(stackTraceLines(loop.stderr())).toEqual([]);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'server.lock'))).toBe(false);

    // With the loop gone, the next command serves the data dir itself: the same numbers, persisted.
    expect(await activeBuckets()).toEqual(expected);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
  });
});

describe('two short fanpulse commands on one data dir', () => {
  it('both answer, whichever started the embedded store and whichever finished first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-race-'));
    const dataDir = join(dir, 'data');
    const run = () => runCli(['trends', '--format', 'json', '--since', '1d', '--config', VALID_CONFIG, '--data-dir', dataDir]);
    // Several rounds: the one that serves the store must keep serving until the other is done.
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all([run(), run(), run()]);
      for (const result of results) {
        expect(result.code, result.stderr).toBe(0);
        expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
      }
    }
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
  });
});
