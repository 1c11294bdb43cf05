// Times typed without a zone are UTC, like every time fanpulse prints: the same commands give the
// same numbers whatever the machine's TZ. Dates not on the calendar are refused, not rolled over.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines } from '../../helpers/cli.ts';
import { writeOneFeedConfig } from '../../helpers/campaign-config.ts';
import { rssFeed } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const feed = rssFeed('Fans', [
  { title: 'Bosch Legacy finale was wonderful', link: 'https://fans.example/1', published: new Date('2025-06-10T11:50:00Z') }, // before --since
  { title: 'Sign the petition for Bosch Legacy', link: 'https://fans.example/2', published: new Date('2025-06-10T13:10:00Z') },
  { title: 'Bosch Legacy season recap', link: 'https://fans.example/3', published: new Date('2025-06-10T15:20:00Z') },
  { title: 'Bosch Legacy petition news', link: 'https://fans.example/4', published: new Date('2025-06-10T17:30:00Z') },
]);

let server: TestServer;
let configFile: string;

beforeAll(async () => {
  server = await startTestServer({ '/fans.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed) });
  configFile = join(await mkdtemp(join(tmpdir(), 'fanpulse-cli-tz-')), 'fanpulse.config.json');
  await writeOneFeedConfig(configFile, `${server.url}/fans.xml`);
});

afterAll(async () => server?.close());

describe('times without a zone', () => {
  for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
    it(`are UTC under TZ=${tz}: poll --now and trends --since/--until give the UTC hours`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-tz-data-'));
      const args = ['--config', configFile, '--data-dir', dataDir, '--now', '2025-06-10T18:00'];
      const env = { TZ: tz };
      const poll = await runCli(['poll', '--once', ...args], { env });
      expect(poll.code, poll.stderr).toBe(0);
      expect(poll.stdout).toContain('fans: 4 items, 4 matched a topic');

      const trends = await runCli(['trends', '--format', 'json', '--since', '2025-06-10T12:00', '--until', '2025-06-10T18:00', ...args], { env });
      expect(trends.code, trends.stderr).toBe(0);
      const rows = (JSON.parse(trends.stdout) as { bucketStart: string; source: string | null; posts: number; petitionMentions: number }[])
        .filter((b) => b.source === null && b.posts > 0)
        .map((b) => [b.bucketStart, b.posts, b.petitionMentions]);
      expect(rows).toEqual([
        ['2025-06-10T13:00:00.000Z', 1, 1],
        ['2025-06-10T15:00:00.000Z', 1, 0],
        ['2025-06-10T17:00:00.000Z', 1, 1],
      ]);
    });
  }

  it('refuses a date that is not on the calendar instead of rolling it over', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-tz-bad-'));
    for (const args of [['trends', '--since', '2025-06-31'], ['poll', '--once', '--now', '2025-06-31T10:00']]) {
      const result = await runCli([...args, '--config', configFile, '--data-dir', dataDir]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('not a date and time on the calendar');
      expect(stackTraceLines(result.stderr)).toEqual([]);
    }
  });

  it('says once in --help that they are UTC', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toContain('Times in flags (--since, --until, --now) without a zone are read as UTC');
  });
});
