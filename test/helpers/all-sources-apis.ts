// The answers of the local server in test/integration/all-sources.test.ts: RSS, Reddit's public .rss
// listings, Mastodon's hashtag timeline, Discourse's /posts.json, Lemmy API v3 lists and HN search
// (Algolia), each in its platform's shape (as in test/fixtures/<type>/, whose READMEs cite where each
// shape comes from) and honouring its paging parameters, built from the items the test serves.

import type { IncomingMessage } from 'node:http';
import { escapeXml, rssFeed } from './feed-builder.ts';

/** What a platform holds: an item the test serves, without its hand labels. */
export interface ServedItem {
  kind: 'post' | 'comment';
  /** Grows with time within a source and kind (as each API's ids do). */
  id: number;
  at: string;
  /** The post's title; for a comment, its parent's (discourse: the topic's) title. */
  title: string;
  body: string;
  /** A link post's article. */
  article?: string;
  /** Served but never counted: deleted/removed, a moderator notice, a boost (of `boostOf`), or one failing its wire schema. */
  ignored?: 'gone' | 'boost' | 'unreadable';
  boostOf?: number;
  /** Discourse only: topic id and post number. */
  topic?: number;
  number?: number;
}

/** The items a source (by its id in the test config) serves now, of one kind or all. */
export type Served = (source: string, kind?: ServedItem['kind']) => ServedItem[];

export const newestFirst = <T extends ServedItem>(items: T[]) => [...items].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
export const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const query = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://x').searchParams;

// Reddit without credentials: the public .rss listings, Atom in Reddit's entry template (see
// test/fixtures/reddit/README.md), newest first; this server gives at most 2 entries a page (Reddit may
// give fewer than `limit`) and pages with `after`, so the first pass pages until an empty page.
const reddit36 = (n: number) => `a${String(n).padStart(2, '0')}`;
const redditTime = (iso: string) => iso.replace('.000Z', '+00:00');
function redditEntry(item: ServedItem): { name: string; xml: string } {
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
export function redditListing(served: Served, req: IncomingMessage, kind: ServedItem['kind']): string {
  const params = query(req);
  const entries = newestFirst(served('reddit', kind)).map(redditEntry);
  const after = params.get('after');
  const start = after === null ? 0 : entries.findIndex((e) => e.name === after) + 1;
  const page = entries.slice(start, start + Math.min(2, Number(params.get('limit') ?? 25)));
  return `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><title>BoschLegacy</title>${page.map((e) => e.xml).join('')}</feed>`;
}

// Mastodon: status ids are decimal snowflakes (same length here), newest first.
export const snowflake = (n: number) => `1134000000000000${n}`;
function mastodonStatus(item: ServedItem, served: ServedItem[]): Record<string, unknown> {
  const id = snowflake(item.id);
  const account = { id: '77', username: 'fan', acct: 'fan@m.example' };
  if (item.ignored === 'boost') {
    return { id, created_at: item.at, uri: `https://m.example/users/booster/statuses/${id}/activity`, url: null, content: '', spoiler_text: '', account: { ...account, acct: 'booster' }, reblog: mastodonStatus(served.find((s) => s.id === item.boostOf)!, served) };
  }
  return { id, created_at: item.at, uri: `https://m.example/users/fan/statuses/${id}`, url: `https://m.example/@fan/${id}`, content: `<p>${item.body}</p>`, spoiler_text: '', visibility: 'public', account, reblog: null, tags: [{ name: 'saveboschlegacy' }] };
}
export function mastodonTimeline(served: Served, req: IncomingMessage) {
  const params = query(req);
  const limit = Math.min(40, Number(params.get('limit') ?? 20));
  const cmp = (a: string, b: string) => (a.length - b.length) || a.localeCompare(b);
  const all = served('mastodon');
  let statuses = newestFirst(all).map((s) => mastodonStatus(s, all)) as { id: string }[];
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
export function discoursePosts(served: Served, req: IncomingMessage) {
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
export function lemmyList(served: Served, req: IncomingMessage, kind: ServedItem['kind']) {
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
export function hnSearch(served: Served, req: IncomingMessage) {
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

export function rssBody(served: Served) {
  return rssFeed(
    'News',
    newestFirst(served('news')).map((i) => ({ title: i.title, link: i.article ?? `https://news.example/articles/${100 + i.id}`, published: new Date(i.at), description: i.body })),
  );
}
