// Raw posts expire on a laptop as they do in AWS: `fanpulse poll` deletes the posts of the embedded
// store once they are older than poll.postRetentionDays (dynalite has no TTL), and says so; the
// hourly counts stay. Each command in its own process, as a user runs them.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostsAnswer, TrendBucket } from '../../../lambdas/query/answers.ts';
import { runCli, type CliResult } from '../../helpers/cli.ts';
import { writeOneFeedConfig } from '../../helpers/campaign-config.ts';
import { rssFeed } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:20:00Z');
const RETENTION_DAYS = 31;
const iso = (ms: number) => new Date(ms).toISOString();
const entries = Array.from({ length: 4 }, (_, i) => ({ title: `Sign the petition for Bosch Legacy #${i}`, link: `https://fans.example/p/${i}`, published: new Date(NOW - (i + 1) * 3_600_000) }));

let server: TestServer;
let dir: string;
let configFile: string;
const cli = (...args: string[]) => runCli([...args, '--config', configFile, '--data-dir', join(dir, 'data')]);
const ok = (result: CliResult) => {
  expect(result.stderr, result.stdout).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
};
const period = ['--since', iso(NOW - 2 * DAY), '--until', iso(NOW + 3_600_000)];
const posts = async (now: number) => (JSON.parse(ok(await cli('posts', ...period, '--format', 'json', '--now', iso(now)))) as PostsAnswer).posts;
const counted = async (now: number) => (JSON.parse(ok(await cli('trends', ...period, '--format', 'json', '--now', iso(now)))) as TrendBucket[]).reduce((n, b) => n + b.posts, 0);

beforeAll(async () => {
  server = await startTestServer();
  server.route('/fans.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Fans', entries)));
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-expiry-'));
  configFile = join(dir, 'fanpulse.config.json');
  await writeOneFeedConfig(configFile, `${server.url}/fans.xml`, { postRetentionDays: RETENTION_DAYS });
});

afterAll(async () => {
  await server?.close();
});

describe('fanpulse poll on the embedded store', () => {
  it('deletes the posts kept past poll.postRetentionDays, once a day, and keeps their hourly counts', async () => {
    expect(ok(await cli('poll', '--once', '--now', iso(NOW)))).not.toMatch(/expired/);
    expect((await posts(NOW)).map((p) => p.title).sort()).toEqual(entries.map((e) => e.title).sort());

    // A day before the posts expire: nothing goes.
    const dayBefore = NOW + (RETENTION_DAYS - 1) * DAY;
    expect(ok(await cli('poll', '--once', '--now', iso(dayBefore)))).not.toMatch(/expired/);
    expect(await posts(dayBefore)).toHaveLength(entries.length);

    const after = NOW + (RETENTION_DAYS + 1) * DAY;
    expect(ok(await cli('poll', '--once', '--now', iso(after)))).toContain(`deleted ${entries.length} expired items (posts kept past poll.postRetentionDays)`);
    expect(await posts(after)).toEqual([]);
    expect(await counted(after)).toBe(entries.length);
    // The day's sweep has run: the next pass deletes nothing and says nothing of it.
    expect(ok(await cli('poll', '--once', '--now', iso(after + 3_600_000)))).not.toMatch(/expired/);
  });
});
