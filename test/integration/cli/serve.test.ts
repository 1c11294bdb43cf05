// `fanpulse serve` as a user runs it: over a data dir filled by `poll --once`, its API answers with
// the JSON the CLI prints for the same parameters, refuses what is not a read, never serves a file
// from disk that is not the page, and stops cleanly on Ctrl-C.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, stackTraceLines, type BackgroundCli } from '../../helpers/cli.ts';
import { rssFeed } from '../../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const NOW = '2026-11-20T12:20:00Z';
const SINCE = '2026-11-19T12:00:00Z';
const UNTIL = '2026-11-20T13:00:00Z';
const at = (hoursBefore: number) => new Date(Date.parse('2026-11-20T12:00:00Z') - hoursBefore * 3_600_000 + 600_000);

let feeds: TestServer;
let serve: BackgroundCli;
let base: string;
let dir: string;
let configFile: string;

const cli = (...args: string[]) => runCli([...args, '--config', configFile, '--data-dir', join(dir, 'data')]);

beforeAll(async () => {
  feeds = await startTestServer({
    '/fans.xml': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
        rssFeed('Fans', [
          { title: 'Sign the petition for Bosch Legacy', link: 'https://fans.example/1', published: at(0) },
          { title: 'Bosch Legacy finale was wonderful', link: 'https://fans.example/2', published: at(3) },
          // Escaped in the feed's HTML title: its text is the markup itself.
          { title: '&lt;img src=x onerror=alert(1)&gt; Bosch Legacy', link: 'https://fans.example/3', published: at(5) },
        ]),
      ),
  });
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-serve-'));
  configFile = join(dir, 'fanpulse.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
      sources: [{ id: 'fans', type: 'rss', url: `${feeds.url}/fans.xml`, topics: ['bosch-legacy'] }],
    }),
  );
  expect((await cli('poll', '--once', '--now', NOW)).code).toBe(0);
  serve = startCli(['serve', '--port', '0', '--config', configFile, '--data-dir', join(dir, 'data')]);
  await serve.waitForStderr(/serving the dashboard and API at (http:\/\/127\.0\.0\.1:\d+\/)/);
  base = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(serve.stderr())![1]!;
});

afterAll(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
  await feeds?.close();
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, base), init);

describe('fanpulse serve', () => {
  it('answers /trends and /posts with what the CLI prints for the same parameters, while the CLI shares its store', async () => {
    const trends = await get(`trends?since=${SINCE}&until=${UNTIL}`);
    expect(trends.status).toBe(200);
    const printed = await cli('trends', '--since', SINCE, '--until', UNTIL, '--format', 'json');
    expect(await trends.text()).toBe(printed.stdout);

    const posts = await get(`posts?since=${SINCE}&until=${UNTIL}`);
    const printedPosts = await cli('posts', '--since', SINCE, '--until', UNTIL, '--format', 'json');
    const body = await posts.text();
    expect(body).toBe(printedPosts.stdout);
    expect((JSON.parse(body) as { posts: { title: string; petition: boolean }[] }).posts.map((p) => [p.title, p.petition])).toEqual([
      ['Sign the petition for Bosch Legacy', true],
      ['Bosch Legacy finale was wonderful', false],
      // Post text is data: served as written, for the page to show as text.
      ['<img src=x onerror=alert(1)> Bosch Legacy', false],
    ]);
  });

  it('answers a bad parameter with a 400 naming it, anything but GET with a 405', async () => {
    const bad = await get('trends?bucket=week');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'bucket: must be "hour" or "day"' });
    const post = await get('trends', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it.each(['/fanpulse.config.json', '/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/lambdas/http/query-api.ts', '/data/server.json'])(
    'answers %s with a 404 and no file from disk',
    async (path) => {
      const response = await fetch(`${base.replace(/\/$/, '')}${path}`);
      expect(response.status).toBe(404);
      const text = await response.text();
      expect(JSON.parse(text).error).toMatch(/^no such resource/);
    },
  );

  it('answers /trends again from its cache only while nothing changed: a recount by another process shows on the next request', async () => {
    const path = `trends?since=${SINCE}&until=${UNTIL}&format=csv`;
    const before = await (await get(path)).text();
    expect(await (await get(path)).text()).toBe(before);
    const postsIn = (csv: string) => csv.trim().split('\n').slice(1).reduce((n, line) => n + Number(line.split(',')[3]), 0);
    expect(postsIn(before)).toBe(3);

    // The petition post no longer counts under this config; the recount rewrites its hour.
    const narrower = join(dir, 'narrower.config.json');
    await writeFile(
      narrower,
      JSON.stringify({
        topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], exclude: ['petition'], petitionKeywords: ['petition'] }],
        sources: [{ id: 'fans', type: 'rss', url: `${feeds.url}/fans.xml`, topics: ['bosch-legacy'] }],
      }),
    );
    const recount = (config: string) => runCli(['recount', '--since', SINCE, '--now', NOW, '--config', config, '--data-dir', join(dir, 'data')]);
    expect((await recount(narrower)).code).toBe(0);
    const after = await (await get(path)).text();
    expect(postsIn(after)).toBe(2);
    expect(after).toBe((await cli('trends', '--since', SINCE, '--until', UNTIL, '--format', 'csv')).stdout);

    // And back, for the tests after this one.
    expect((await recount(configFile)).code).toBe(0);
    expect(await (await get(path)).text()).toBe(before);
  });

  it('stops on Ctrl-C with exit 0, saying so', async () => {
    serve.child.kill('SIGINT');
    expect(await serve.exited).toBe(0);
    expect(serve.stdout()).toBe('stopped\n');
    expect(stackTraceLines(serve.stderr())).toEqual([]);
  });
});

describe('fanpulse serve, usage', () => {
  it('refuses a bad port with exit 2 naming the flag', async () => {
    const result = await runCli(['serve', '--port', '99999', '--config', configFile, '--data-dir', join(dir, 'other')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/port: must be a port number from 0 to 65535/);
  });
});
