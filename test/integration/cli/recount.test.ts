// `fanpulse recount` as a user runs it, each command in its own process: poll with an exclusion,
// remove it from the config, recount; under several TZs, since a time without a zone is UTC
// (read as New York time the post below would fall outside the period, as Tokyo time one more in).

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines } from '../../helpers/cli.ts';
import { rssFeed } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const feed = rssFeed('Fans', [
  { title: 'Bosch Legacy power tools sale', link: 'https://fans.example/1', published: new Date('2025-06-10T11:10:00Z') }, // before --since
  { title: 'Bosch Legacy finale was wonderful', link: 'https://fans.example/2', published: new Date('2025-06-10T12:30:00Z') },
  { title: 'Bosch Legacy cast and their power tools', link: 'https://fans.example/3', published: new Date('2025-06-10T13:10:00Z') },
  { title: 'Sign the Bosch Legacy petition', link: 'https://fans.example/4', published: new Date('2025-06-10T15:20:00Z') },
]);

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ '/fans.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed) });
});

afterAll(async () => server?.close());

async function configFile(dir: string, exclude: string[]): Promise<string> {
  const file = join(dir, 'fanpulse.config.json');
  await writeFile(
    file,
    JSON.stringify({
      topics: [{ id: 'bosch-legacy', keywords: ['bosch legacy'], exclude, petitionKeywords: ['petition'] }],
      sources: [{ id: 'fans', type: 'rss', url: `${server.url}/fans.xml`, topics: ['bosch-legacy'] }],
      poll: { timeoutMs: 60_000 },
    }),
  );
  return file;
}

describe('fanpulse recount', () => {
  for (const tz of ['America/New_York', 'Asia/Tokyo']) {
    it(`counts what removing an exclusion lets in, from --since read as UTC under TZ=${tz}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-recount-'));
      const common = ['--data-dir', join(dir, 'data'), '--now', '2025-06-10T18:00'];
      const env = { TZ: tz };
      const poll = await runCli(['poll', '--once', '--config', await configFile(dir, ['power tools']), ...common], { env });
      expect(poll.code, poll.stderr).toBe(0);
      expect(poll.stdout).toContain('fans: 4 items, 2 matched a topic');

      const config = await configFile(dir, []);
      const recount = await runCli(['recount', '--since', '2025-06-10T13:00', '--config', config, ...common], { env });
      expect(recount.code, recount.stderr).toBe(0);
      // The period holds the 13:10 tools post (now counted) and the 15:20 petition post (already counted).
      expect(recount.stdout).toBe(
        'recount 2025-06-10T13:00:00.000Z → 2025-06-10T19:00:00.000Z: 2 stored posts matched against this config\n' +
          '  bosch-legacy: 1 hour(s) rebuilt, 1 post(s) added, 0 removed\n',
      );

      const trends = await runCli(['trends', '--format', 'json', '--since', '2025-06-10T11:00', '--until', '2025-06-10T18:00', '--config', config, ...common], { env });
      expect(trends.code, trends.stderr).toBe(0);
      const rows = (JSON.parse(trends.stdout) as { bucketStart: string; source: string | null; posts: number }[])
        .filter((b) => b.source === null && b.posts > 0)
        .map((b) => [b.bucketStart, b.posts]);
      // 11:00 keeps its tools post out: it is before the period recounted.
      expect(rows).toEqual([
        ['2025-06-10T12:00:00.000Z', 1],
        ['2025-06-10T13:00:00.000Z', 1],
        ['2025-06-10T15:00:00.000Z', 1],
      ]);

      const again = await runCli(['recount', '--since', '2025-06-10T13:00', '--config', config, ...common], { env });
      expect(again.stdout).toContain('  bosch-legacy: unchanged\n');
    });
  }

  it('refuses a --since not on the calendar, or past the posts kept, with the option and the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-recount-bad-'));
    const args = ['--config', await configFile(dir, []), '--data-dir', join(dir, 'data'), '--now', '2025-06-10T18:00'];
    const badDate = await runCli(['recount', '--since', '2025-06-31', ...args]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/^fanpulse: since: is not a date and time on the calendar/);
    const tooFar = await runCli(['recount', '--since', '120d', ...args]);
    expect(tooFar.code).toBe(2);
    expect(tooFar.stderr).toContain('is more than 90 days back: posts are kept that long (poll.postRetentionDays)');
    expect(stackTraceLines(badDate.stderr + tooFar.stderr)).toEqual([]);
  });
});
