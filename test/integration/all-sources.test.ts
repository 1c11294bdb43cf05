// End to end over every source type at once: one config with rss, reddit, mastodon, discourse, lemmy
// and hackernews sources, all reading one local HTTP server that answers each API in its real shape
// (and honours its paging parameters), through the real fetcher, adapters, pipeline and dynalite.
// Three passes: a first one, a second after new items appeared, and a third with nothing new.
//
// Every item served is listed once in ITEMS, with a hand-written reading of what it should count for
// (topics, petition mention) — never taken from the matcher. The expected hourly counts are a plain
// group-by over those labels: topic-wide, a story linked from several sources counts once; in each
// source's own buckets, each of its items counts once.

import { PassThrough } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../lambdas/adapters/http-fetcher.ts';
import { createLocalSink } from '../../lambdas/adapters/local-sink.ts';
import { createSources } from '../../lambdas/adapters/sources/create-source.ts';
import { parseConfig } from '../../lambdas/config/load.ts';
import type { Config } from '../../lambdas/config/schema.ts';
import type { AlertSink, Store } from '../../lambdas/core/ports.ts';
import { runPass, type PassReport } from '../../lambdas/core/pipeline.ts';
import { readTrends } from '../../lambdas/query/read.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { escapeXml, rssFeed } from '../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const NOW = new Date('2026-11-20T12:20:00Z');
const NOW2 = new Date(NOW.getTime() + 15 * 60_000);
const NOW3 = new Date(NOW.getTime() + 30 * 60_000);

type TopicId = 'bosch-legacy' | 'renee-ballard';
type SourceId = 'news' | 'reddit' | 'mastodon' | 'forum' | 'lemmy' | 'hn';
const B: TopicId = 'bosch-legacy';
const R: TopicId = 'renee-ballard';

/** The article every "shared story" item links to: one story, seen in rss, reddit, hn and (second pass) lemmy. */
const ARTICLE = 'https://news.example/articles/4821';
const SHARED_TITLE = 'Bosch Legacy cancelled; fans start a petition';

interface Item {
  source: SourceId;
  kind: 'post' | 'comment';
  /** Grows with time within a source and kind (as each API's ids do). */
  id: number;
  at: string;
  /** The pass before which the server starts serving it. */
  pass: 1 | 2;
  /** The post's title; for a comment, its parent's (discourse: the topic's) title. */
  title: string;
  body: string;
  /** A link post's article. */
  article?: string;
  /** Hand-labelled: the topics it counts for (title + body read by eye) and whether it mentions a petition. */
  counts: TopicId[];
  petition: boolean;
  /** Served but never counted: deleted/removed, a moderator notice, or a boost (of `boostOf`). */
  ignored?: 'gone' | 'boost';
  boostOf?: number;
  /** Discourse only: topic id and post number. */
  topic?: number;
  number?: number;
}

const at = (hhmm: string, day = '2026-11-20') => `${day}T${hhmm}:00.000Z`;

// Topics: "bosch legacy" (not with "power tools") and "renee ballard"; petition keywords "petition", "change.org".
const ITEMS: Item[] = [
  // RSS
  { source: 'news', kind: 'post', id: 1, at: at('20:15', '2026-11-19'), pass: 1, title: 'Bosch: Legacy renewal talks stall', body: 'The studio is silent.', counts: [B], petition: false },
  { source: 'news', kind: 'post', id: 2, at: at('12:02'), pass: 1, title: SHARED_TITLE, body: '', article: ARTICLE, counts: [B], petition: true },
  { source: 'news', kind: 'post', id: 3, at: at('11:40'), pass: 1, title: 'Renee Ballard spin-off casting news', body: 'Maggie Q returns.', counts: [R], petition: false },
  { source: 'news', kind: 'post', id: 4, at: at('12:10'), pass: 1, title: 'Power tools review: the Bosch Legacy drill', body: '', counts: [], petition: false },
  { source: 'news', kind: 'post', id: 5, at: at('10:30'), pass: 1, title: 'Cooking news', body: 'Soup season.', counts: [], petition: false },
  { source: 'news', kind: 'post', id: 6, at: at('12:25'), pass: 2, title: 'Sign the change.org petition for Bosch Legacy and Renee Ballard', body: '', counts: [B, R], petition: true },
  // Reddit: r/BoschLegacy posts (t3) and comments (t1)
  { source: 'reddit', kind: 'post', id: 1, at: at('10:10'), pass: 1, title: 'Rewatching Bosch Legacy season 1', body: 'So good.', counts: [B], petition: false },
  { source: 'reddit', kind: 'post', id: 2, at: at('12:04'), pass: 1, title: SHARED_TITLE, body: '', article: ARTICLE, counts: [B], petition: true },
  { source: 'reddit', kind: 'post', id: 3, at: at('12:05'), pass: 1, title: 'Bosch Legacy petition', body: '[deleted]', counts: [], petition: false, ignored: 'gone' },
  { source: 'reddit', kind: 'post', id: 4, at: at('12:28'), pass: 2, title: 'Petition hits 50k: Bosch Legacy fans rally', body: '', counts: [B], petition: true },
  { source: 'reddit', kind: 'comment', id: 1, at: at('11:30'), pass: 1, title: 'Episode 10 discussion', body: 'Renee Ballard deserves her own show', counts: [R], petition: false },
  { source: 'reddit', kind: 'comment', id: 2, at: at('12:15'), pass: 1, title: 'Episode 10 discussion', body: 'Signed the petition for Bosch Legacy!', counts: [B], petition: true },
  { source: 'reddit', kind: 'comment', id: 3, at: at('12:30'), pass: 2, title: 'Episode 10 discussion', body: 'Renee Ballard on Bosch Legacy was the best part', counts: [B, R], petition: false },
  // Mastodon: #SaveBoschLegacy
  { source: 'mastodon', kind: 'post', id: 101, at: at('10:45'), pass: 1, title: '', body: 'Bosch Legacy finale tonight! #SaveBoschLegacy', counts: [B], petition: false },
  { source: 'mastodon', kind: 'post', id: 102, at: at('11:50'), pass: 1, title: '', body: 'Please sign the petition to save Bosch Legacy', counts: [B], petition: true },
  { source: 'mastodon', kind: 'post', id: 103, at: at('12:12'), pass: 1, title: '', body: '', counts: [], petition: false, ignored: 'boost', boostOf: 102 },
  { source: 'mastodon', kind: 'post', id: 104, at: at('12:24'), pass: 2, title: '', body: 'Renee Ballard forever #SaveBoschLegacy', counts: [R], petition: false },
  { source: 'mastodon', kind: 'post', id: 105, at: at('12:26'), pass: 2, title: '', body: '', counts: [], petition: false, ignored: 'boost', boostOf: 101 },
  // Discourse: the whole forum's latest posts
  { source: 'forum', kind: 'post', id: 501, topic: 40, number: 1, at: at('10:20'), pass: 1, title: 'Bosch Legacy season 3', body: 'Thoughts on the finale?', counts: [B], petition: false },
  { source: 'forum', kind: 'post', id: 502, topic: 40, number: 2, at: at('11:15'), pass: 1, title: 'Bosch Legacy season 3', body: 'The petition is on change.org', counts: [B], petition: true },
  { source: 'forum', kind: 'post', id: 503, topic: 41, number: 1, at: at('11:55'), pass: 1, title: 'Renee Ballard spin-off', body: 'Excited!', counts: [R], petition: false },
  { source: 'forum', kind: 'post', id: 504, topic: 40, number: 3, at: at('12:01'), pass: 1, title: 'Bosch Legacy season 3', body: 'closed the topic', counts: [], petition: false, ignored: 'gone' },
  { source: 'forum', kind: 'post', id: 505, topic: 41, number: 2, at: at('12:27'), pass: 2, title: 'Renee Ballard spin-off', body: 'A petition for the spin-off too', counts: [R], petition: true },
  // Lemmy: !television posts and comments
  { source: 'lemmy', kind: 'post', id: 301, at: at('10:55'), pass: 1, title: 'Bosch Legacy appreciation post', body: '', counts: [B], petition: false },
  { source: 'lemmy', kind: 'post', id: 302, at: at('12:08'), pass: 1, title: 'Renee Ballard petition', body: 'Sign it', counts: [R], petition: true },
  { source: 'lemmy', kind: 'post', id: 303, at: at('12:29'), pass: 2, title: SHARED_TITLE, body: '', article: ARTICLE, counts: [B], petition: true },
  { source: 'lemmy', kind: 'comment', id: 901, at: at('11:20'), pass: 1, title: 'Weekly TV thread', body: 'Bosch Legacy was robbed', counts: [B], petition: false },
  { source: 'lemmy', kind: 'comment', id: 902, at: at('12:18'), pass: 1, title: 'Weekly TV thread', body: 'Bosch Legacy petition spam', counts: [], petition: false, ignored: 'gone' },
  { source: 'lemmy', kind: 'comment', id: 903, at: at('12:32'), pass: 2, title: 'Weekly TV thread', body: 'Bosch Legacy forever', counts: [B], petition: false },
  // Hacker News: search "bosch legacy" (stories and comments)
  { source: 'hn', kind: 'post', id: 7001, at: at('12:06'), pass: 1, title: SHARED_TITLE, body: '', article: ARTICLE, counts: [B], petition: true },
  { source: 'hn', kind: 'comment', id: 7002, at: at('11:45'), pass: 1, title: 'Ask HN: What are you watching?', body: 'Renee Ballard was the better lead', counts: [R], petition: false },
  // Within the 15 minutes the next pass re-reads for late-indexed items: must not count again.
  { source: 'hn', kind: 'post', id: 7003, at: at('12:19'), pass: 1, title: 'Bosch Legacy moves to Freevee', body: '', article: 'https://tv.example/freevee', counts: [B], petition: false },
  { source: 'hn', kind: 'comment', id: 7004, at: at('12:31'), pass: 2, title: 'Ask HN: What are you watching?', body: 'Signed the petition for Bosch Legacy', counts: [B], petition: true },
  { source: 'hn', kind: 'comment', id: 7005, at: at('12:33'), pass: 2, title: 'Ask HN: What are you watching?', body: '', counts: [], petition: false, ignored: 'gone' },
];

// ---- the server: each API in its real shape, serving the items of the current phase ----

let phase: 1 | 2 = 1;
const served = (source: SourceId, kind?: Item['kind']) =>
  ITEMS.filter((i) => i.source === source && i.pass <= phase && (kind === undefined || i.kind === kind));
const newestFirst = (items: Item[]) => [...items].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const query = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://x').searchParams;
const json = (res: ServerResponse, body: unknown) =>
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
const byId = (source: SourceId, id: number) => ITEMS.find((i) => i.source === source && i.id === id)!;

/** Query strings of the requests made, by path, to check the paging parameters each pass sent. */
let requestLog: { path: string; params: URLSearchParams }[] = [];

// Reddit without credentials: the public .rss listings, Atom in Reddit's entry template (see
// test/fixtures/reddit/README.md), newest first; this server gives at most 2 entries a page (Reddit may
// give fewer than `limit`) and pages with `after`, so the first pass pages until an empty page.
const reddit36 = (n: number) => `a${String(n).padStart(2, '0')}`;
const redditTime = (iso: string) => iso.replace('.000Z', '+00:00');
function redditEntry(item: Item): { name: string; xml: string } {
  const author = item.ignored === 'gone' ? '[deleted]' : item.kind === 'post' ? 'fan_p' : 'fan_c';
  const md = item.body ? `<!-- SC_OFF --><div class="md"><p>${escapeXml(item.body)}</p></div><!-- SC_ON -->` : '';
  const person = `<author><name>/u/${author}</name><uri>https://www.reddit.com/user/${author}</uri></author><category term="BoschLegacy" label="r/BoschLegacy"/>`;
  if (item.kind === 'comment') {
    const id = `c${String(item.id).padStart(2, '0')}`;
    const permalink = `https://www.reddit.com/r/BoschLegacy/comments/a01/thread/${id}/`;
    const xml = `<entry>${person}<content type="html">${escapeXml(md)}</content><id>t1_${id}</id><link href="${permalink}"/><updated>${redditTime(item.at)}</updated><title>/u/${author} on ${escapeXml(item.title)}</title></entry>`;
    return { name: `t1_${id}`, xml };
  }
  const id = reddit36(item.id);
  const permalink = `https://www.reddit.com/r/BoschLegacy/comments/${id}/thread/`;
  const trailer = ` &#32; submitted by &#32; <a href="https://www.reddit.com/user/${author}"> /u/${author} </a> <br/> <span><a href="${escapeXml(item.article ?? permalink)}">[link]</a></span> &#32; <span><a href="${permalink}">[comments]</a></span>`;
  const xml = `<entry>${person}<content type="html">${escapeXml(md + trailer)}</content><id>t3_${id}</id><link href="${permalink}" /><updated>${redditTime(item.at)}</updated><published>${redditTime(item.at)}</published><title>${escapeXml(item.title)}</title></entry>`;
  return { name: `t3_${id}`, xml };
}
function redditListing(req: IncomingMessage, kind: Item['kind']): string {
  const params = query(req);
  const entries = newestFirst(served('reddit', kind)).map(redditEntry);
  const after = params.get('after');
  const start = after === null ? 0 : entries.findIndex((e) => e.name === after) + 1;
  const page = entries.slice(start, start + Math.min(2, Number(params.get('limit') ?? 25)));
  return `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><title>BoschLegacy</title>${page.map((e) => e.xml).join('')}</feed>`;
}

// Mastodon: status ids are decimal snowflakes (same length here), newest first.
const snowflake = (n: number) => `1134000000000000${n}`;
function mastodonStatus(item: Item): Record<string, unknown> {
  const id = snowflake(item.id);
  const account = { id: '77', username: 'fan', acct: 'fan@m.example' };
  if (item.ignored === 'boost') {
    return { id, created_at: item.at, uri: `https://m.example/users/booster/statuses/${id}/activity`, url: null, content: '', spoiler_text: '', account: { ...account, acct: 'booster' }, reblog: mastodonStatus(byId('mastodon', item.boostOf!)) };
  }
  return { id, created_at: item.at, uri: `https://m.example/users/fan/statuses/${id}`, url: `https://m.example/@fan/${id}`, content: `<p>${item.body}</p>`, spoiler_text: '', visibility: 'public', account, reblog: null, tags: [{ name: 'saveboschlegacy' }] };
}
function mastodonTimeline(req: IncomingMessage) {
  const params = query(req);
  const limit = Math.min(40, Number(params.get('limit') ?? 20));
  const cmp = (a: string, b: string) => (a.length - b.length) || a.localeCompare(b);
  let statuses = newestFirst(served('mastodon')).map(mastodonStatus) as { id: string }[];
  const maxId = params.get('max_id');
  const sinceId = params.get('since_id');
  const minId = params.get('min_id');
  if (maxId) statuses = statuses.filter((s) => cmp(s.id, maxId) < 0);
  if (sinceId) statuses = statuses.filter((s) => cmp(s.id, sinceId) > 0);
  if (minId) {
    // The `limit` statuses immediately newer than min_id, still newest first.
    return statuses.filter((s) => cmp(s.id, minId) > 0).reverse().slice(0, limit).reverse();
  }
  return statuses.slice(0, limit);
}

// Discourse /posts.json: latest posts by id, newest first; this forum answers 2 a page, so `before` pages.
function discoursePosts(req: IncomingMessage) {
  const before = query(req).get('before');
  const posts = served('forum')
    .sort((a, b) => b.id - a.id)
    .filter((p) => before === null || p.id < Number(before))
    .slice(0, 2)
    .map((p) => ({
      id: p.id,
      name: 'Fan',
      username: 'fan',
      created_at: p.at,
      updated_at: p.at,
      cooked: `<p>${p.body}</p>`,
      post_number: p.number,
      post_type: p.ignored === 'gone' ? 3 : 1,
      topic_id: p.topic,
      topic_slug: p.topic === 40 ? 'season-three' : 'spin-off',
      topic_title: p.title,
      topic_html_title: p.title,
      category_id: 5,
      hidden: false,
      user_deleted: false,
      deleted_at: null,
    }));
  return { latest_posts: posts };
}

// Lemmy API v3: PostView / CommentView lists, sort=New, paged by `page` (1-based) and `limit`.
const lemmyTime = (iso: string) => iso.replace('.000Z', '.000000Z');
function lemmyList(req: IncomingMessage, kind: Item['kind']) {
  const params = query(req);
  const limit = Number(params.get('limit') ?? 10);
  const page = Number(params.get('page') ?? 1);
  const items = newestFirst(served('lemmy', kind)).slice((page - 1) * limit, page * limit);
  const creator = { id: 1, name: 'fan', actor_id: 'https://lemmy.example/u/fan', local: true };
  const community = { id: 7, name: 'television', actor_id: 'https://lemmy.example/c/television' };
  if (kind === 'post') {
    return {
      posts: items.map((p) => ({
        post: { id: p.id, name: p.title, body: p.body || null, url: p.article ?? null, ap_id: `https://lemmy.example/post/${p.id}`, published: lemmyTime(p.at), deleted: false, removed: false, featured_community: false, featured_local: false, community_id: 7, creator_id: 1, local: true },
        creator,
        community,
        counts: { post_id: p.id, comments: 0, score: 1, upvotes: 1, downvotes: 0, published: lemmyTime(p.at) },
      })),
    };
  }
  return {
    comments: items.map((c) => ({
      comment: { id: c.id, content: c.body, ap_id: `https://lemmy.example/comment/${c.id}`, published: lemmyTime(c.at), deleted: false, removed: c.ignored === 'gone', post_id: 299, creator_id: 1, path: `0.${c.id}`, local: true },
      post: { id: 299, name: c.title, community_id: 7 },
      creator,
      community,
      counts: { comment_id: c.id, score: 1, upvotes: 1, downvotes: 0, child_count: 0 },
    })),
  };
}

// HN search (Algolia) search_by_date: honours numericFilters on created_at_i, page and hitsPerPage.
function hnSearch(req: IncomingMessage) {
  const params = query(req);
  const hitsPerPage = Number(params.get('hitsPerPage') ?? 20);
  const page = Number(params.get('page') ?? 0);
  const filters = (params.get('numericFilters') ?? '').split(',').filter(Boolean).map((f) => {
    const m = /^created_at_i(>=|<=|>|<|=)(\d+)$/.exec(f.trim());
    if (!m) throw new Error(`unexpected numericFilter ${f}`);
    return { op: m[1]!, value: Number(m[2]) };
  });
  const passes = (s: number) =>
    filters.every(({ op, value }) => (op === '>' ? s > value : op === '>=' ? s >= value : op === '<' ? s < value : op === '<=' ? s <= value : s === value));
  const all = newestFirst(served('hn')).filter((h) => passes(seconds(h.at)));
  const hits = all.slice(page * hitsPerPage, (page + 1) * hitsPerPage).map((h) => {
    const gone = h.ignored === 'gone';
    const common = { created_at: h.at, created_at_i: seconds(h.at), objectID: String(h.id), points: 3, num_comments: 0 };
    return h.kind === 'post'
      ? { ...common, title: h.title, url: h.article ?? null, author: 'hnuser', story_text: null, comment_text: null, story_id: null, story_title: null, parent_id: null, _tags: ['story', 'author_hnuser', `story_${h.id}`] }
      : { ...common, title: null, url: null, author: gone ? null : 'hnuser', story_text: null, comment_text: gone ? null : `<p>${h.body}</p>`, story_id: 6999, story_title: h.title, parent_id: 6999, _tags: ['comment', `story_6999`, ...(gone ? [] : ['author_hnuser'])] };
  });
  return { hits, nbHits: all.length, page, nbPages: Math.ceil(all.length / hitsPerPage), hitsPerPage, exhaustiveNbHits: true, query: params.get('query'), params: params.toString() };
}

function rssBody() {
  return rssFeed(
    'News',
    newestFirst(served('news')).map((i) => ({ title: i.title, link: i.article ?? `https://news.example/articles/${100 + i.id}`, published: new Date(i.at), description: i.body })),
  );
}

// ---- the run ----

let server: TestServer;
let dynamo: TestDynamo;
let store: Store;
let sink: AlertSink;
let cfg: Config;

beforeAll(async () => {
  server = await startTestServer();
  const logged = (handler: (req: IncomingMessage) => unknown) => (req: IncomingMessage, res: ServerResponse) => {
    requestLog.push({ path: new URL(req.url ?? '/', 'http://x').pathname, params: query(req) });
    json(res, handler(req));
  };
  server.route('/news.xml', (req, res) => {
    const etag = `"news-v${phase}"`;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(rssBody());
  });
  const atom = (kind: Item['kind']) => (req: IncomingMessage, res: ServerResponse) => {
    requestLog.push({ path: new URL(req.url ?? '/', 'http://x').pathname, params: query(req) });
    res.writeHead(200, { 'content-type': 'application/atom+xml; charset=UTF-8' }).end(redditListing(req, kind));
  };
  server.route('/r/BoschLegacy/new/.rss', atom('post'));
  server.route('/r/BoschLegacy/comments/.rss', atom('comment'));
  server.route('/api/v1/timelines/tag/SaveBoschLegacy', logged(mastodonTimeline));
  server.route('/posts.json', logged(discoursePosts));
  server.route('/api/v3/post/list', logged((req) => lemmyList(req, 'post')));
  server.route('/api/v3/comment/list', logged((req) => lemmyList(req, 'comment')));
  server.route('/api/v1/search_by_date', logged(hnSearch));

  dynamo = await startTestDynamo();
  ({ store } = await dynamo.newStore());
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-all-sources-'));
  sink = createLocalSink({ file: join(dir, 'alerts.jsonl'), out: new PassThrough() });
  const topics = [B, R];
  cfg = parseConfig(
    {
      topics: [
        { id: B, keywords: ['bosch legacy'], exclude: ['power tools'], petitionKeywords: ['petition', 'change.org'] },
        { id: R, keywords: ['renee ballard'], petitionKeywords: ['petition', 'change.org'] },
      ],
      sources: [
        { id: 'news', type: 'rss', url: `${server.url}/news.xml`, topics },
        { id: 'reddit', type: 'reddit', subreddit: 'BoschLegacy', baseUrl: server.url, topics },
        { id: 'mastodon', type: 'mastodon', instance: server.url, tag: 'SaveBoschLegacy', topics },
        { id: 'forum', type: 'discourse', url: server.url, topics },
        { id: 'lemmy', type: 'lemmy', instance: server.url, community: 'television', topics },
        { id: 'hn', type: 'hackernews', query: 'bosch legacy', baseUrl: server.url, topics },
      ],
      poll: { timeoutMs: 60_000 }, // healthy servers; never a race with a loaded machine
    },
    'all-sources test config',
  );
});

afterAll(async () => {
  await server?.close();
  await dynamo?.close();
});

async function pass(now: Date): Promise<PassReport> {
  requestLog = [];
  const fetcher = createHttpFetcher({ ...cfg.poll, sleep: async () => {} });
  return runPass({ config: cfg, store, sources: createSources(cfg, fetcher), sink, now, log: { info: () => {}, warn: () => {} } });
}

interface Row {
  topic: string;
  bucketStart: string;
  posts: number;
  petitionMentions: number;
}
const order = (rows: Row[]) => [...rows].sort((a, b) => a.topic.localeCompare(b.topic) || a.bucketStart.localeCompare(b.bucketStart));

/** What a user reads back: non-empty hourly buckets topic-wide, and per source. */
async function snapshot(now: Date) {
  const params = { since: '3d', bucket: 'hour', format: 'json' } as const;
  const rows = (buckets: Row[]): Row[] =>
    order(buckets.filter((b) => b.posts > 0).map(({ topic, bucketStart, posts, petitionMentions }) => ({ topic, bucketStart, posts, petitionMentions })));
  const perSource: Record<string, Row[]> = {};
  for (const s of cfg.sources) perSource[s.id] = rows(await readTrends(store, cfg, { ...params, source: s.id }, now));
  return { topicWide: rows(await readTrends(store, cfg, params, now)), perSource };
}

/** The hand-labelled items of passes up to `upTo`, grouped by topic and hour; topic-wide, a shared story once. */
function expected(upTo: 1 | 2, source?: SourceId): Row[] {
  const counted = ITEMS.filter((i) => i.pass <= upTo && !i.ignored && (source === undefined || i.source === source)).sort(
    (a, b) => a.pass - b.pass || a.at.localeCompare(b.at),
  );
  const seen = new Set<string>();
  const rows = new Map<string, Row>();
  for (const item of counted) {
    const key = source === undefined && item.article === ARTICLE ? 'shared-story' : `${item.source}/${item.kind}/${item.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const bucketStart = `${item.at.slice(0, 13)}:00:00.000Z`;
    for (const topic of item.counts) {
      const row = rows.get(`${topic}|${bucketStart}`) ?? { topic, bucketStart, posts: 0, petitionMentions: 0 };
      row.posts += 1;
      if (item.petition) row.petitionMentions += 1;
      rows.set(`${topic}|${bucketStart}`, row);
    }
  }
  return order([...rows.values()]);
}
const expectedAll = (upTo: 1 | 2) => ({
  topicWide: expected(upTo),
  perSource: Object.fromEntries((['news', 'reddit', 'mastodon', 'forum', 'lemmy', 'hn'] as const).map((s) => [s, expected(upTo, s)])),
});
const paramsOf = (path: string) => requestLog.filter((r) => r.path === path).map((r) => Object.fromEntries(r.params));

describe('a pass over every source type', () => {
  it('counts each item exactly once per hour, topic-wide and per source, across passes with new items in between', async () => {
    // ---- pass 1 ----
    phase = 1;
    const first = await pass(NOW);
    expect(first.sources.map((s) => [s.sourceId, s.status])).toEqual(cfg.sources.map((s) => [s.id, 'ok']));
    // Paging reached every page: reddit `after` (Atom does not say a listing ended: until an empty page),
    // mastodon back with `max_id`, discourse `before`.
    expect(paramsOf('/r/BoschLegacy/new/.rss').map((p) => p['after'] ?? null)).toEqual([null, 't3_a02', 't3_a01']);
    expect(paramsOf('/api/v1/timelines/tag/SaveBoschLegacy').map((p) => p['max_id'] ?? null)).toEqual([null, snowflake(101)]);
    expect(paramsOf('/posts.json').map((p) => p['before'] ?? null)).toEqual([null, '503', '501']);

    const afterFirst = await snapshot(NOW);
    expect(afterFirst).toEqual(expectedAll(1));
    // By hand, as a check on the labels: bosch-legacy 1 (yesterday 20h) + 4 (10h) + 3 (11h) + 3 (12h: the
    // shared story once, the reddit comment, the HN story); renee-ballard 4 (11h) + 1 (12h).
    const total = (rows: Row[], topic: TopicId) => rows.filter((r) => r.topic === topic).reduce((n, r) => n + r.posts, 0);
    expect([total(afterFirst.topicWide, B), total(afterFirst.topicWide, R)]).toEqual([11, 5]);
    // The shared story counts once topic-wide, yet once in each of rss, reddit and hn.
    const hour12 = (rows: Row[] | undefined) => rows?.find((r) => r.topic === B && r.bucketStart === '2026-11-20T12:00:00.000Z');
    expect(hour12(afterFirst.topicWide)).toMatchObject({ posts: 3, petitionMentions: 2 });
    expect([hour12(afterFirst.perSource['news'])?.posts, hour12(afterFirst.perSource['reddit'])?.posts, hour12(afterFirst.perSource['hn'])?.posts]).toEqual([1, 2, 2]);

    // ---- pass 2: new items on every source ----
    phase = 2;
    const second = await pass(NOW2);
    expect(second.sources.map((s) => [s.sourceId, s.status])).toEqual(cfg.sources.map((s) => [s.id, 'ok']));
    // Each API was asked only for what is new.
    expect(paramsOf('/api/v1/timelines/tag/SaveBoschLegacy')).toEqual([{ limit: '40', min_id: snowflake(103) }]);
    expect(paramsOf('/r/BoschLegacy/new/.rss').map((p) => p['after'] ?? null)).toEqual([null]);
    expect(paramsOf('/posts.json').map((p) => p['before'] ?? null)).toEqual([null]);
    expect(paramsOf('/api/v3/post/list').map((p) => p['page'])).toEqual(['1']);
    expect(paramsOf('/api/v1/search_by_date').map((p) => p['numericFilters'])).toEqual([
      `created_at_i>${seconds(at('12:19')) - 15 * 60},created_at_i<=${NOW2.getTime() / 1000}`,
    ]);

    const afterSecond = await snapshot(NOW2);
    expect(afterSecond).toEqual(expectedAll(2));
    // Exactly the new items were added: bosch-legacy +5 (rss, reddit post and comment, lemmy comment,
    // hn comment; the lemmy link to the shared story is not new topic-wide), renee-ballard +4.
    expect([total(afterSecond.topicWide, B), total(afterSecond.topicWide, R)]).toEqual([16, 9]);
    expect(hour12(afterSecond.topicWide)).toMatchObject({ posts: 8, petitionMentions: 5 });
    expect(hour12(afterSecond.perSource['lemmy'])).toMatchObject({ posts: 2, petitionMentions: 1 });
    // Nothing counted before moved or grew: every earlier hour is as it was.
    const before12 = (rows: Row[]) => rows.filter((r) => r.bucketStart < '2026-11-20T12:00:00.000Z');
    expect(before12(afterSecond.topicWide)).toEqual(before12(afterFirst.topicWide));

    // ---- pass 3: nothing new anywhere ----
    const third = await pass(NOW3);
    expect(third.sources.map((s) => [s.sourceId, s.status])).toEqual(cfg.sources.map((s) => [s.id, s.id === 'news' ? 'not-modified' : 'ok']));
    expect(third.newPosts).toBe(0);
    expect(third.bucketWrites).toBe(0);
    expect(await snapshot(NOW3)).toEqual(afterSecond);
  });
});
