// Stopping the monitor as a user does: Ctrl-C (SIGINT) or SIGTERM while a pass waits on a source
// that never answers. The pass must end promptly, store nothing half-done, release the pass lock
// and exit 0 with "stopped"; the next pass then runs and counts everything once.

import { mkdtemp, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines, startCli, type BackgroundCli } from '../../helpers/cli.ts';
import { rssFeed } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const HOUR = 3_600_000;
/**
 * How long a stopped process may take to exit. Generous for a loaded machine, yet well under the
 * stalled source's own timeout (120 s): only a stop that aborts the fetch in flight meets it.
 */
const EXIT_LIMIT_MS = 90_000;

const hour = Math.floor(Date.now() / HOUR) * HOUR;
const at = (hoursBefore: number) => new Date(hour - hoursBefore * HOUR + 10 * 60_000);
const fansFeed = rssFeed('Fans', [
  { title: 'Bosch Legacy finale was wonderful', link: 'https://fans.example/1', published: at(3) },
  { title: 'Sign the petition for Bosch Legacy', link: 'https://fans.example/2', published: at(2) },
]);
const slowFeed = rssFeed('Slow', [{ title: 'Bosch Legacy season recap', link: 'https://slow.example/1', published: at(1) }]);

let server: TestServer;
const stalled: ServerResponse[] = [];
const running: BackgroundCli[] = [];

beforeAll(async () => {
  server = await startTestServer({ '/fans.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fansFeed) });
});

afterAll(async () => {
  for (const cli of running) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  for (const res of stalled) res.destroy();
  await server?.close();
});

/** A fresh data dir and config whose `slow` source (at `slowPath`) the test makes stall or answer. */
async function setUp(slowPath: string) {
  server.route(slowPath, (_req, res) => void stalled.push(res)); // never answers
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-stop-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'fanpulse.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [{ id: 'bosch-legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
      sources: [
        { id: 'fans', type: 'rss', url: `${server.url}/fans.xml`, topics: ['bosch-legacy'] },
        { id: 'slow', type: 'rss', url: `${server.url}${slowPath}`, topics: ['bosch-legacy'] },
      ],
      poll: { intervalMinutes: 1440, timeoutMs: 120_000, concurrency: 2 },
    }),
  );
  const args = ['--config', configFile, '--data-dir', dataDir];
  const postsPerHour = async () => {
    const result = await runCli(['trends', '--format', 'json', '--since', '1d', ...args]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { bucketStart: string; posts: number; source: string | null }[])
      .filter((b) => b.source === null && b.posts > 0)
      .map((b) => [b.bucketStart, b.posts]);
  };
  const waitForStall = async () => {
    while (!server.requests.some((r) => r.path === slowPath)) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  return { args, postsPerHour, waitForStall };
}

const exitWithin = (cli: BackgroundCli) =>
  Promise.race([cli.exited, new Promise<string>((resolve) => setTimeout(() => resolve(`still running after ${EXIT_LIMIT_MS} ms`), EXIT_LIMIT_MS))]);

describe('stopping fanpulse poll mid-pass', () => {
  for (const [signal, command] of [['SIGINT', ['poll']], ['SIGTERM', ['poll', '--once']]] as const) {
    it(`${signal} to \`${command.join(' ')}\` ends the pass, stores nothing half-done and releases the lock`, async () => {
      const slowPath = `/slow-${signal}.xml`;
      const { args, postsPerHour, waitForStall } = await setUp(slowPath);
      const cli = startCli([...command, ...args]);
      running.push(cli);
      await waitForStall();

      cli.child.kill(signal);
      expect(await exitWithin(cli)).toBe(0);
      expect(cli.stdout().trimEnd().split('\n').at(-1)).toBe('stopped');
      expect(stackTraceLines(cli.stderr())).toEqual([]);
      // Stopped before its store step: not even the source that answered is counted or advanced.
      expect(await postsPerHour()).toEqual([]);

      // The lock is free and every source is read again from where it was: all three posts, once.
      server.route(slowPath, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(slowFeed));
      const next = await runCli(['poll', '--once', ...args]);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).not.toMatch(/another pass is running/);
      expect(next.stdout).toContain('fans: 2 items, 2 matched a topic');
      expect(next.stdout).toContain('slow: 1 items, 1 matched a topic');
      expect(await postsPerHour()).toEqual([
        [new Date(hour - 3 * HOUR).toISOString(), 1],
        [new Date(hour - 2 * HOUR).toISOString(), 1],
        [new Date(hour - 1 * HOUR).toISOString(), 1],
      ]);
    });
  }
});

describe('a pass killed outright (kill -9)', () => {
  it('leaves no lock that blocks the next pass on this machine, which counts everything once', async () => {
    const slowPath = '/slow-SIGKILL.xml';
    const { args, postsPerHour, waitForStall } = await setUp(slowPath);
    const cli = startCli(['poll', '--once', ...args]);
    running.push(cli);
    await waitForStall();
    cli.child.kill('SIGKILL');
    expect(await cli.exited).toBeNull();

    server.route(slowPath, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(slowFeed));
    const next = await runCli(['poll', '--once', ...args]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).not.toMatch(/another pass is running/);
    expect(next.stderr).toContain(`the pass lock was left by process ${cli.child.pid}, which is no longer running; taking it over`);
    expect(await postsPerHour()).toEqual([
      [new Date(hour - 3 * HOUR).toISOString(), 1],
      [new Date(hour - 2 * HOUR).toISOString(), 1],
      [new Date(hour - 1 * HOUR).toISOString(), 1],
    ]);
  });
});
