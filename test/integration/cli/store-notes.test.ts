// A reading command whose answer is empty for a reason the user can fix says why on stderr:
// a data dir never polled (a typo) or a store counted for topics this config does not name.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { rssFeed } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const NOW = '2025-06-10T18:00:00Z';
const feed = rssFeed('Fans', [
  { title: 'Bosch Legacy finale was wonderful', link: 'https://fans.example/1', published: new Date('2025-06-10T13:10:00Z') },
  { title: 'The Rookie season 7 recap', link: 'https://fans.example/2', published: new Date('2025-06-10T15:20:00Z') },
]);

let server: TestServer;
let dir: string;

const config = (topics: string[]) => ({
  topics: topics.map((id) => ({ id, keywords: [id.replace('-', ' ')] })),
  sources: [{ id: 'fans', type: 'rss', url: `${server.url}/fans.xml`, topics }],
  poll: { timeoutMs: 60_000 },
});

beforeAll(async () => {
  server = await startTestServer({ '/fans.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed) });
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-notes-'));
  await writeFile(join(dir, 'both.json'), JSON.stringify(config(['bosch-legacy', 'the-rookie'])));
  await writeFile(join(dir, 'other.json'), JSON.stringify(config(['doctor-odyssey'])));
});

afterAll(async () => server?.close());

describe('notes on what the store holds', () => {
  it('says a data dir holds no data, and which stored topics the config does not name', async () => {
    const typo = join(dir, 'data-typo');
    const empty = await runCli(['trends', '--since', '1d', '--now', NOW, '--config', join(dir, 'both.json'), '--data-dir', typo]);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stderr).toContain(`fanpulse: no data in ${typo} (was it polled?)`);

    const data = join(dir, 'data');
    const poll = await runCli(['poll', '--once', '--now', NOW, '--config', join(dir, 'both.json'), '--data-dir', data]);
    expect(poll.code, poll.stderr).toBe(0);
    const named = await runCli(['trends', '--since', '1d', '--now', NOW, '--config', join(dir, 'both.json'), '--data-dir', data]);
    expect(named.stderr).not.toMatch(/no data in|does not name/);

    const other = await runCli(['summary', '--now', NOW, '--config', join(dir, 'other.json'), '--data-dir', data]);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toContain('fanpulse: the store holds topics bosch-legacy, the-rookie that this config does not name');
  });
});
