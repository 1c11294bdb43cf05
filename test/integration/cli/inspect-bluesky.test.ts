// `fanpulse inspect --type bluesky` as a user runs it: the app password from the environment, a login
// and one search at a local entryway and PDS in the atproto lexicons' shapes, nothing stored.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectedPost } from '../../../lambdas/cli/commands/inspect.ts';
import { APP_PASSWORD, bskyFixture, HANDLE, startFakeBluesky, type FakeBluesky } from '../../helpers/bluesky-server.ts';
import { runCli, stackTraceLines } from '../../helpers/cli.ts';

const VALID_CONFIG = fileURLToPath(new URL('../../fixtures/configs/valid.json', import.meta.url));
const NOW = '2026-11-20T12:00:00Z';

let bsky: FakeBluesky;
beforeAll(async () => {
  bsky = await startFakeBluesky(Date.parse(NOW) / 1000);
  bsky.index = bskyFixture('searchPosts.json')['posts'] as Record<string, unknown>[];
});
afterAll(async () => {
  await bsky?.close();
});

// A CLI run is a cold Node start; on a loaded 2-core machine that can take a good part of a minute.
const CLI_MS = 100_000;
const target = () => `${bsky.entryway.url}/?q=${encodeURIComponent('"bosch legacy"')}`;

describe('fanpulse inspect --type bluesky', () => {
  it('logs in with BLUESKY_HANDLE and BLUESKY_APP_PASSWORD and prints what a first poll would read', async () => {
    const result = await runCli(['inspect', '--type', 'bluesky', target(), '--format', 'json', '--config', VALID_CONFIG, '--now', NOW], {
      env: { BLUESKY_HANDLE: HANDLE, BLUESKY_APP_PASSWORD: APP_PASSWORD },
      timeoutMs: CLI_MS,
    });

    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as InspectedPost[];
    // No "lang" from a URL: the German post is read too; the one failing the schema is not.
    expect(rows.map((row) => row.id.split('/').at(-1)).sort()).toEqual(
      ['3m6aqrepl1s2k', '3m6aqquote2s2k', '3m6aqpetn3s2k', '3m6aqdeutsch9k', '3m6aqnews4s2k', '3m6aqrepl5s2k', '3m4xmedia6s2k'].sort(),
    );
    const reply = rows.find((row) => row.id.endsWith('/3m6aqrepl1s2k'));
    expect(reply).toMatchObject({
      link: 'https://bsky.app/profile/boschfan.bsky.social/post/3m6aqrepl1s2k',
      published: '2026-11-20T11:49:58.000Z',
      author: 'boschfan.bsky.social',
      title: 'Reply to @renewnow.bsky.social',
      text: 'Same. Bosch: Legacy deserved a fourth season.',
      topics: ['bosch-legacy'],
      petition: false,
    });
    expect(rows.find((row) => row.id.endsWith('/3m6aqrepl5s2k'))).toMatchObject({ topics: ['bosch-legacy'], petition: true });
    expect(bsky.calls('com.atproto.server.createSession')).toHaveLength(1);
    expect(bsky.calls('app.bsky.feed.searchPosts').map((call) => call.params.get('q'))).toEqual(['"bosch legacy"']);
  }, CLI_MS + 10_000);

  it('says which variables to set when the app password is missing, without a request', async () => {
    const before = bsky.entryway.requests.length + bsky.pds.requests.length;

    const result = await runCli(['inspect', '--type', 'bluesky', target(), '--config', VALID_CONFIG, '--now', NOW], {
      env: { BLUESKY_HANDLE: undefined, BLUESKY_APP_PASSWORD: undefined },
      timeoutMs: CLI_MS,
    });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD');
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(bsky.entryway.requests.length + bsky.pds.requests.length).toBe(before);
  }, CLI_MS + 10_000);
});
