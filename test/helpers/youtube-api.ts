// A local YouTube Data API v3 for tests: commentThreads.list, comments.list, search.list and
// videos.list over the fixtures in test/fixtures/youtube/, answering as the API documents (list
// envelopes, newest-first threads with order=time, nextPageToken paging, Google's error bodies).
// The key must come in the X-Goog-Api-Key header; any other key is refused as the API does.

import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { startTestServer, type TestServer } from './http-server.ts';

export type Json = Record<string, unknown>;

export const youtubeFixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/youtube/${name}`, import.meta.url), 'utf8')) as Json;
const itemsOf = (name: string): Json[] => youtubeFixture(name)['items'] as Json[];

export const YOUTUBE_KEY = 'AIzaSy-local-test-key-not-a-secret-0000';
export const TRAILER = 'bL3gacyTr01';
export const CLIPS = 'bL3gacyCl02';
export const INTERVIEW = 'bL3gacyIv03';
export const REUNION = 'bL3gacyNw04';
export const CHANNEL = 'UCq3Fz8bL5gWlH7dQxN2tR9A';

export interface Asked {
  method: string;
  params: URLSearchParams;
  key: string | undefined;
}

export interface FakeYoutube {
  url: string;
  server: TestServer;
  asked: Asked[];
  /** Threads per video, in any order (answered newest first). */
  threads: Map<string, Json[]>;
  /** Replies per parent comment id. */
  replies: Map<string, Json[]>;
  /** At most this many items a page, whatever maxResults asks (the API answers "at most" maxResults). */
  pageSize: number;
  /** Error answers by method, or by `method:<videoId|channelId>`: status and a fixture name. */
  refusals: Map<string, { status: number; fixture: string }>;
  /** Back to the fixtures as they are at the first pass. */
  reset(): void;
  close(): Promise<void>;
}

/** When the thread's top-level comment was posted (the fixture whose publishedAt was lost in transit still has updatedAt). */
function published(thread: Json): number {
  const snippet = ((thread['snippet'] as Json)['topLevelComment'] as Json)['snippet'] as Json;
  return Date.parse((snippet['publishedAt'] ?? snippet['updatedAt']) as string);
}

export async function startFakeYoutube(): Promise<FakeYoutube> {
  const server = await startTestServer();
  const fake: FakeYoutube = {
    url: server.url,
    server,
    asked: [],
    threads: new Map(),
    replies: new Map(),
    pageSize: 100,
    refusals: new Map(),
    reset() {
      fake.asked.length = 0;
      fake.pageSize = 100;
      fake.refusals.clear();
      fake.threads = new Map([
        [TRAILER, itemsOf('commentThreads-trailer.json')],
        [CLIPS, []],
        [INTERVIEW, itemsOf('commentThreads-interview.json')],
        [REUNION, itemsOf('commentThreads-reunion.json')],
      ]);
      fake.replies = new Map([['Ugy3Hc8TfRk2LmZx0Pq9vB4AaABAg', itemsOf('comments-Ugy3Hc8TfRk2LmZx0Pq9vB4AaABAg.json')]]);
    },
    close: () => server.close(),
  };
  fake.reset();
  const channelVideos = new Map([[CHANNEL, [TRAILER, CLIPS, INTERVIEW, REUNION]]]);

  const send = (res: ServerResponse, status: number, body: Json) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
  const refuse = (res: ServerResponse, status: number, fixture: string) => send(res, status, youtubeFixture(fixture));

  /** One page of `all`, as the API pages: an opaque token, at most maxResults (and pageSize) items. */
  function page(res: ServerResponse, params: URLSearchParams, kind: string, all: Json[]) {
    const size = Math.min(Number(params.get('maxResults') ?? 20), fake.pageSize);
    const token = params.get('pageToken');
    const start = token === null ? 0 : Number(/^QURTSl9p(\d+)$/.exec(token)?.[1] ?? NaN);
    if (Number.isNaN(start)) return send(res, 400, { error: { code: 400, message: 'The request specifies an invalid page token.', errors: [{ message: 'The request specifies an invalid page token.', domain: 'youtube.parameter', reason: 'invalidPageToken' }] } });
    const items = all.slice(start, start + size);
    const body: Json = { kind: `youtube#${kind}ListResponse`, etag: 'Bq8fXo2kM1nVZc7uRt4yLw0aPsE', pageInfo: { totalResults: all.length, resultsPerPage: size }, items };
    if (start + size < all.length) body['nextPageToken'] = `QURTSl9p${start + size}`;
    return send(res, 200, body);
  }

  function route(method: string, answer: (params: URLSearchParams, res: ServerResponse) => unknown) {
    server.route(`/youtube/v3/${method}`, (req, res) => {
      const params = new URL(req.url ?? '/', 'http://x').searchParams;
      const key = req.headers['x-goog-api-key'];
      fake.asked.push({ method, params, key: typeof key === 'string' ? key : undefined });
      if (key !== YOUTUBE_KEY && params.get('key') !== YOUTUBE_KEY) return refuse(res, 400, 'error-keyInvalid.json');
      const refusal = fake.refusals.get(`${method}:${params.get('videoId') ?? params.get('allThreadsRelatedToChannelId')}`) ?? fake.refusals.get(method);
      if (refusal) return refuse(res, refusal.status, refusal.fixture);
      return answer(params, res);
    });
  }

  route('commentThreads', (params, res) => {
    const video = params.get('videoId');
    const channel = params.get('allThreadsRelatedToChannelId');
    const videos = video !== null ? [video] : (channelVideos.get(channel ?? '') ?? null);
    if (videos === null) return refuse(res, 404, 'error-channelNotFound.json');
    if (video !== null && !fake.threads.has(video)) return refuse(res, 404, 'error-videoNotFound.json');
    if (params.get('order') !== 'time') throw new Error('the fake API answers only order=time');
    const threads = videos.flatMap((id) => fake.threads.get(id) ?? []).sort((a, b) => published(b) - published(a));
    // part=snippet,replies: a thread without the replies part carries none.
    const parts = (params.get('part') ?? '').split(',');
    return page(res, params, 'commentThread', parts.includes('replies') ? threads : threads.map(({ replies: _, ...thread }) => thread));
  });
  route('comments', (params, res) => page(res, params, 'comment', fake.replies.get(params.get('parentId') ?? '') ?? []));
  route('search', (_params, res) => send(res, 200, youtubeFixture('search.json')));
  route('videos', (params, res) => {
    const ids = (params.get('id') ?? '').split(',');
    return page(res, params, 'video', itemsOf('videos.json').filter((video) => ids.includes(video['id'] as string)));
  });
  return fake;
}
