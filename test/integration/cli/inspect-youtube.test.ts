// `fanpulse inspect --type youtube` run as a user runs it, against the local YouTube Data API
// (test/helpers/youtube-api.ts) named by a URL on its own host, with the key in the environment.
// Expected rows are read off test/fixtures/youtube/ and the config's topics by hand.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines } from '../../helpers/cli.ts';
import { CHANNEL, TRAILER, YOUTUBE_KEY, startFakeYoutube, type FakeYoutube } from '../../helpers/youtube-api.ts';

const VALID_CONFIG = fileURLToPath(new URL('../../fixtures/configs/valid.json', import.meta.url));
const NOW = '2026-11-20T12:00:00Z';
const TITLE = 'Comment on: Bosch: Legacy – Final Season Official Trailer | Prime Video';
const REPLY_TITLE = 'Reply on: Bosch: Legacy – Final Season Official Trailer | Prime Video';

let fake: FakeYoutube;

beforeAll(async () => {
  fake = await startFakeYoutube();
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.reset());

const inspect = (target: string, env: Record<string, string | undefined>) =>
  runCli(['inspect', '--type', 'youtube', target, '--format', 'json', '--config', VALID_CONFIG, '--now', NOW], { env, timeoutMs: 100_000 });

// A CLI start takes seconds on a busy 2-core machine: generous limits, never the machine's speed.
describe('fanpulse inspect --type youtube', { timeout: 120_000 }, () => {
  it("shows what the pipeline makes of a video's comments, read from the host of the URL given", async () => {
    const result = await inspect(`${fake.url}/watch?v=${TRAILER}`, { YOUTUBE_API_KEY: YOUTUBE_KEY });

    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    // Every comment is on the trailer, whose title says "Bosch: Legacy"; T3 also names Ballard.
    expect(rows.map(({ id, title, topics, petition }) => ({ id, title, topics, petition }))).toEqual([
      { id: 'UgzN7vQ2aK9pXw4bLm1Ed4AaABAg', title: TITLE, topics: ['bosch-legacy'], petition: true },
      { id: 'UgzN7vQ2aK9pXw4bLm1Ed4AaABAg.9Xk2bQwLp4H9Xk3cRz8Ty1', title: REPLY_TITLE, topics: ['bosch-legacy'], petition: false },
      { id: 'Ugy3Hc8TfRk2LmZx0Pq9vB4AaABAg', title: TITLE, topics: ['bosch-legacy'], petition: false },
      { id: 'Ugy3Hc8TfRk2LmZx0Pq9vB4AaABAg.9Xj7aA1bB2c9Xj7dD3eE4f', title: REPLY_TITLE, topics: ['bosch-legacy'], petition: false },
      { id: 'Ugy3Hc8TfRk2LmZx0Pq9vB4AaABAg.9Xj8fF5gG6h9Xj8iI7jJ8k', title: REPLY_TITLE, topics: ['bosch-legacy'], petition: false },
      { id: 'Ugy3Hc8TfRk2LmZx0Pq9vB4AaABAg.9Xj9lL9mM0n9Xj9oO1pP2q', title: REPLY_TITLE, topics: ['bosch-legacy'], petition: true },
      { id: 'UgwB5rT1yHn6QpL0sKd2Xc4AaABAg', title: TITLE, topics: ['bosch-legacy', 'ballard'], petition: false },
      { id: 'Ugz9Qw2Er4Ty6Ui8Op0As3Df4AaABAg', title: TITLE, topics: ['bosch-legacy'], petition: false },
    ]);
    expect(rows[0]).toMatchObject({
      link: `https://www.youtube.com/watch?v=${TRAILER}&lc=UgzN7vQ2aK9pXw4bLm1Ed4AaABAg`,
      published: '2026-11-20T11:30:00.000Z',
      author: '@harrysbosch',
      text: 'Renew Bosch: Legacy! I signed the petition at change.org, 40k and counting',
    });
    expect(fake.asked.map((request) => [request.method, request.key])).toEqual([
      ['commentThreads', YOUTUBE_KEY],
      ['comments', YOUTUBE_KEY],
      ['videos', YOUTUBE_KEY],
    ]);
  });

  it('reads a channel URL as the channel', async () => {
    const result = await inspect(`${fake.url}/channel/${CHANNEL}`, { YOUTUBE_API_KEY: YOUTUBE_KEY });

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(10);
    expect(fake.asked[0]!.params.get('allThreadsRelatedToChannelId')).toBe(CHANNEL);
  });

  it('says which key to set, and asks nothing, when YOUTUBE_API_KEY is missing', async () => {
    const result = await inspect(`${fake.url}/watch?v=${TRAILER}`, { YOUTUBE_API_KEY: undefined });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^fanpulse: set YOUTUBE_API_KEY \(a YouTube Data API v3 key/);
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(fake.asked).toEqual([]);
  });
});
