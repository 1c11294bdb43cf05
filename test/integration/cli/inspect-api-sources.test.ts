// `fanpulse inspect --type <api type>` as a user runs it: each API source type read once from a
// local server in that API's shape (the adapters' own fixtures), nothing stored.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines } from '../../helpers/cli.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const VALID_CONFIG = fileURLToPath(new URL('../../fixtures/configs/valid.json', import.meta.url));
const fixture = (path: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url)), 'utf8');
// The fixtures are dated around this time; the catch-up horizon is 30 days before --now.
const NOW = '2026-11-20T12:00:00Z';

/** The first request to a path gets the fixture; later ones (paging further back) an empty page. */
function firstThenEmpty(server: TestServer, path: string, first: string, empty: string) {
  let served = false;
  server.route(path, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(served ? empty : first);
    served = true;
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // Without REDDIT_CLIENT_ID/SECRET in the environment, reddit reads the public .rss (Atom) listings.
  firstThenEmpty(server, '/r/BoschLegacy/new/.rss', fixture('reddit/new-latest.xml'), fixture('reddit/empty.xml'));
  firstThenEmpty(server, '/r/BoschLegacy/comments/.rss', fixture('reddit/comments-latest.xml'), fixture('reddit/empty.xml'));
  firstThenEmpty(server, '/api/v1/timelines/tag/SaveBoschLegacy', fixture('mastodon/tag-page1.json'), '[]');
  firstThenEmpty(server, '/api/v1/search_by_date', fixture('hackernews/search_by_date.json'), '{"hits":[],"nbHits":0,"page":0,"nbPages":0,"hitsPerPage":100}');
  firstThenEmpty(server, '/posts.json', fixture('discourse/posts.json'), '{"latest_posts":[]}');
  firstThenEmpty(server, '/api/v3/post/list', fixture('lemmy/post-list.json'), '{"posts":[]}');
  firstThenEmpty(server, '/api/v3/comment/list', fixture('lemmy/comment-list.json'), '{"comments":[]}');
});
afterAll(async () => {
  await server?.close();
});

describe('fanpulse inspect --type', () => {
  const targets: [string, (url: string) => string][] = [
    ['reddit', (url) => `${url}/r/BoschLegacy`],
    ['mastodon', (url) => `${url}/tags/SaveBoschLegacy`],
    ['hackernews', (url) => `${url}/?query=bosch%20legacy`],
    ['discourse', (url) => url],
    ['lemmy', (url) => `${url}/c/television`],
  ];

  it.each(targets)('%s: prints what a first poll would read, with links, topics and sentiment', async (type, target) => {
    // Keys the machine may have set would switch reddit to OAuth, which this server does not answer.
    const env = { REDDIT_CLIENT_ID: undefined, REDDIT_CLIENT_SECRET: undefined };
    const result = await runCli(['inspect', '--type', type, target(server.url), '--format', 'json', '--config', VALID_CONFIG, '--now', NOW], { env });
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { link: string | null; topics: string[]; label: string }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.link ?? 'https://').toMatch(/^https?:\/\//);
      expect(['positive', 'negative', 'neutral']).toContain(row.label);
    }
  });

  it('explains what target a type expects when it cannot read one', async () => {
    const result = await runCli(['inspect', '--type', 'mastodon', 'SaveBoschLegacy', '--config', VALID_CONFIG]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('https://mastodon.social/tags/SaveBoschLegacy');
    expect(stackTraceLines(result.stderr)).toEqual([]);
  });
});
