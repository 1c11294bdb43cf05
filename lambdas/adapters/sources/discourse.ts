// The `discourse` source type: a Discourse forum's latest posts, or one category's.
//
// Whole forum: GET {url}/posts.json lists the latest public posts, newest first, 50 an answer;
// `before=<post id>` pages back (ids below it). Post ids only grow, so the cursor is the highest id read,
// and a pass walks down from the newest post until it meets that id (or the 30-day horizon). A walk that
// runs out of pages for this pass (the first run's catch-up on a busy forum) is kept in the cursor and
// continued next pass before a new one starts at the top: every post is read once, none is skipped.
//
// One category: /posts.json cannot be filtered by category, and reading a whole busy forum to find one
// quiet category's posts would spend the page budget on posts we drop. So the category's topic list is
// read instead (GET {url}/c/{slug}/{id}/l/latest.json, most recently bumped first, 30 an answer,
// subcategories included), and each topic's `highest_post_number` is compared with the post number we
// have read up to in it, kept per topic in the cursor. A changed topic's new posts come from
// GET {url}/t/{id}/posts.json?post_number=N&asc=true (the 20 posts after N). The topic list is read down
// to the last pass's newest bump (`readThrough`), so a quiet pass costs one request.

import type { AccessHints } from './api/json.ts';
import { getJson } from './api/json.ts';
import {
  apiTimeMs,
  child,
  isObject,
  isTrue,
  isWholeArray,
  objectsAt,
  readCursor,
  text,
  unexpectedAnswer,
  whole,
  type JsonObject,
} from './api/shape.ts';
import { collapseWhitespace, dedupKeyFor, htmlToPlainText } from '../../core/normalise.ts';
import { CATCH_UP_DAYS } from '../../core/place.ts';
import type { Fetcher, Source } from '../../core/ports.ts';
import { DAY_MS } from '../../core/time.ts';
import type { Post } from '../../core/types.ts';

export interface DiscourseSourceConfig {
  id: string;
  /** The forum's root URL. */
  url: string;
  /** "slug/id" as in the category's address /c/slug/id. */
  category?: string | undefined;
}

/** How much one pass may read; the rest of a catch-up waits for the next pass. */
export interface DiscourseLimits {
  /** Whole forum: /posts.json answers per pass (50 posts each). */
  postPages: number;
  /** Category: topic-list answers per pass (30 topics each). */
  listPages: number;
  /** Category: topic post requests per pass (20 posts each). */
  topicRequests: number;
}

export const DISCOURSE_LIMITS: DiscourseLimits = { postPages: 10, listPages: 5, topicRequests: 20 };

/** A topic first seen with its opening post before the horizon is read from this many posts before its end. */
const OLD_TOPIC_BACKFILL_POSTS = 100;
/** The topics remembered in a category cursor (the most recently active); older ones are read again as new. */
const MAX_TRACKED_TOPICS = 1000;
/**
 * The topic list is read a little past the last pass's newest bump: a post committed just after that
 * pass listed the topics can carry a slightly older time. Topics already read cost nothing more.
 */
const READ_THROUGH_SLACK_MS = 5 * 60_000;

/** Discourse's `post_type` for a member's post (2-4 are moderator notices, small actions and whispers). */
const REGULAR_POST = 1;

export function createDiscourseSource(config: DiscourseSourceConfig, fetcher: Fetcher, limits: Partial<DiscourseLimits> = {}): Source {
  const forum = config.url.replace(/\/+$/, '');
  const budget = { ...DISCOURSE_LIMITS, ...limits };
  const category = config.category ?? null;
  const hints: AccessHints = {
    unauthorized:
      'the forum refused anonymous access: check that it is public (its "login required" setting off)' +
      (category ? ' and that the category is not limited to a group' : ''),
    notFound: category
      ? `check that "url" is the forum's root (e.g. https://forum.example.com) and that "category" is "slug/id" as in the category's address ${forum}/c/slug/id`
      : `check that "url" is the forum's root (e.g. https://forum.example.com), where /posts.json lists the latest posts`,
  };
  return {
    id: config.id,
    async poll(state, now) {
      const read: Reader = { fetcher, forum, hints, sourceId: config.id, horizonMs: now.getTime() - CATCH_UP_DAYS * DAY_MS };
      const { posts, cursor } = category
        ? await pollCategory(read, category, budget, readCursor(state.cursor, (o) => readCategoryCursor(o, category)))
        : await pollForum(read, budget, readCursor(state.cursor, readForumCursor));
      return { changed: true, posts, etag: null, lastModified: null, cursor: JSON.stringify(cursor) };
    },
  };
}

interface Reader {
  fetcher: Fetcher;
  forum: string;
  hints: AccessHints;
  sourceId: string;
  /** Posts created before this are not yielded (the pipeline would drop them). */
  horizonMs: number;
}

// ---- the raw shapes ----

/** A post as /posts.json and /t/{id}/posts.json serialise it (PostSerializer). */
interface RawPost {
  id: number;
  postNumber: number;
  topicId: number;
  topicSlug: string | null;
  topicTitle: string | null;
  username: string | null;
  createdMs: number | null;
  cooked: string;
  /** A member's visible post: not a notice or small action, not hidden by flags, not deleted or withdrawn. */
  counted: boolean;
}

function readPost(o: JsonObject): RawPost | null {
  const id = whole(o, 'id');
  const postNumber = whole(o, 'post_number');
  const topicId = whole(o, 'topic_id');
  if (id === null || postNumber === null || topicId === null) return null;
  const postType = whole(o, 'post_type') ?? REGULAR_POST;
  return {
    id,
    postNumber,
    topicId,
    topicSlug: text(o, 'topic_slug'),
    topicTitle: text(o, 'topic_title'),
    username: text(o, 'username'),
    createdMs: apiTimeMs(text(o, 'created_at')),
    cooked: text(o, 'cooked') ?? '',
    counted:
      postType === REGULAR_POST &&
      !isTrue(o, 'hidden') &&
      !isTrue(o, 'cooked_hidden') &&
      !isTrue(o, 'user_deleted') &&
      (o['deleted_at'] === null || o['deleted_at'] === undefined),
  };
}

/** A topic as a topic list serialises it (TopicListItemSerializer). */
interface RawTopic {
  id: number;
  slug: string | null;
  title: string;
  highestPostNumber: number;
  createdMs: number | null;
  lastPostedMs: number | null;
  bumpedMs: number | null;
  /** Pinned topics head the list whatever their bump time. */
  pinned: boolean;
}

function readTopic(o: JsonObject): RawTopic | null {
  const id = whole(o, 'id');
  if (id === null) return null;
  return {
    id,
    slug: text(o, 'slug'),
    title: text(o, 'title') ?? '',
    highestPostNumber: whole(o, 'highest_post_number') ?? 0,
    createdMs: apiTimeMs(text(o, 'created_at')),
    lastPostedMs: apiTimeMs(text(o, 'last_posted_at')),
    bumpedMs: apiTimeMs(text(o, 'bumped_at')),
    pinned: isTrue(o, 'pinned'),
  };
}

function toPost(read: Reader, raw: RawPost, topicSlug: string | null, topicTitle: string): Post {
  // Discourse redirects a wrong slug to the right one; "topic" stands in when a topic has none.
  const link = `${read.forum}/t/${topicSlug || 'topic'}/${raw.topicId}/${raw.postNumber}`;
  const id = String(raw.id);
  const title = collapseWhitespace(topicTitle);
  return {
    sourceId: read.sourceId,
    id,
    dedupKey: dedupKeyFor(link, read.sourceId, id),
    link,
    author: raw.username,
    // A reply carries its topic's title, as in the forum's own feeds: the topic says what it is about.
    title: raw.postNumber === 1 ? title : `Re: ${title}`,
    text: htmlToPlainText(raw.cooked),
    published: raw.createdMs === null ? null : new Date(raw.createdMs).toISOString(),
  };
}

const withinHorizon = (read: Reader, raw: RawPost) => raw.createdMs === null || raw.createdMs >= read.horizonMs;

// ---- whole forum: /posts.json ----

/** Reading ids below `before` down to (not including) `stopAt`; `top` is the highest id this walk read. */
interface ForumWalk {
  top: number;
  before: number;
  stopAt: number;
}

interface ForumCursor {
  v: 1;
  kind: 'posts';
  /** The highest post id read by a finished walk; null before the first one finished. */
  newest: number | null;
  walk: ForumWalk | null;
}

function readForumCursor(o: JsonObject): ForumCursor | null {
  if (o['v'] !== 1 || o['kind'] !== 'posts') return null;
  const newest = o['newest'] === null ? null : whole(o, 'newest');
  if (newest === null && o['newest'] !== null) return null;
  let walk: ForumWalk | null = null;
  const rawWalk = o['walk'];
  if (rawWalk !== null) {
    if (!isObject(rawWalk)) return null;
    const top = whole(rawWalk, 'top');
    const before = whole(rawWalk, 'before');
    const stopAt = whole(rawWalk, 'stopAt');
    if (top === null || before === null || stopAt === null) return null;
    walk = { top, before, stopAt };
  }
  return { v: 1, kind: 'posts', newest, walk };
}

async function pollForum(read: Reader, budget: DiscourseLimits, cursor: ForumCursor | null): Promise<{ posts: Post[]; cursor: ForumCursor }> {
  let newest = cursor?.newest ?? null;
  let walk: ForumWalk | null = cursor?.walk ?? null;
  const posts: Post[] = [];
  let startedThisPass = false;
  for (let pages = 0; pages < budget.postPages; pages += 1) {
    const url = walk === null ? `${read.forum}/posts.json` : `${read.forum}/posts.json?before=${walk.before}`;
    const answer = await getJson(read.fetcher, { url }, read.hints);
    const page = objectsAt(answer.data, 'latest_posts', url)
      .map(readPost)
      .filter((raw): raw is RawPost => raw !== null);
    if (walk === null) {
      if (page.length === 0) break; // a forum with no public posts yet
      walk = { top: Math.max(...page.map((raw) => raw.id)), before: Number.MAX_SAFE_INTEGER, stopAt: newest ?? 0 };
      startedThisPass = true;
    }
    for (const raw of page) {
      if (raw.id >= walk.before || raw.id <= walk.stopAt) continue;
      if (raw.counted && withinHorizon(read, raw)) posts.push(toPost(read, raw, raw.topicSlug, raw.topicTitle ?? ''));
    }
    const lowest = page.length > 0 ? Math.min(...page.map((raw) => raw.id)) : walk.stopAt;
    const created = page.flatMap((raw) => (raw.createdMs === null ? [] : [raw.createdMs]));
    const reachedHorizon = created.length > 0 && Math.min(...created) < read.horizonMs;
    walk.before = lowest;
    if (lowest <= walk.stopAt || reachedHorizon) {
      newest = Math.max(newest ?? 0, walk.top);
      walk = null;
      // A walk finished that a previous pass began: what arrived meanwhile is read from the top now.
      if (startedThisPass) break;
    }
  }
  return { posts, cursor: { v: 1, kind: 'posts', newest, walk } };
}

// ---- one category: the topic list, then the changed topics ----

interface CategoryCursor {
  v: 1;
  kind: 'category';
  category: string;
  /** Topics bumped before this (epoch ms) were read as far as they went; null on a first run. */
  readThrough: number | null;
  /** Topic id → [the post number read up to, the topic's last post time in epoch ms]. */
  topics: Record<string, [number, number]>;
}

function readCategoryCursor(o: JsonObject, category: string): CategoryCursor | null {
  if (o['v'] !== 1 || o['kind'] !== 'category' || o['category'] !== category) return null;
  const readThrough = o['readThrough'] === null ? null : whole(o, 'readThrough');
  if (readThrough === null && o['readThrough'] !== null) return null;
  const rawTopics = o['topics'];
  if (!isObject(rawTopics)) return null;
  const topics: CategoryCursor['topics'] = {};
  for (const [id, entry] of Object.entries(rawTopics)) {
    if (!isWholeArray(entry) || entry.length !== 2) return null;
    topics[id] = [entry[0]!, entry[1]!];
  }
  return { v: 1, kind: 'category', category, readThrough, topics };
}

async function pollCategory(
  read: Reader,
  category: string,
  budget: DiscourseLimits,
  cursor: CategoryCursor | null,
): Promise<{ posts: Post[]; cursor: CategoryCursor }> {
  const listed = await listTopics(read, category, budget.listPages, Math.max(read.horizonMs, cursor?.readThrough ?? Number.NEGATIVE_INFINITY));
  const readUpTo = new Map(Object.entries(cursor?.topics ?? {}).map(([id, entry]) => [Number(id), entry[0]]));
  const changed = listed
    .filter((topic) => (topic.lastPostedMs ?? 0) >= read.horizonMs && topic.highestPostNumber > (readUpTo.get(topic.id) ?? 0))
    // Newest activity first: if the budget runs out, what is left is the older discussion.
    .sort((a, b) => (b.bumpedMs ?? 0) - (a.bumpedMs ?? 0));

  const posts: Post[] = [];
  const unfinished: RawTopic[] = [];
  const requests = { left: budget.topicRequests };
  for (const topic of changed) {
    const progress = await readTopicPosts(read, topic, readUpTo.get(topic.id) ?? 0, requests, posts);
    readUpTo.set(topic.id, progress.upTo);
    if (!progress.finished) unfinished.push(topic);
  }

  const lastPosted = new Map(Object.entries(cursor?.topics ?? {}).map(([id, entry]) => [Number(id), entry[1]]));
  for (const topic of listed) if (topic.lastPostedMs !== null) lastPosted.set(topic.id, topic.lastPostedMs);
  const tracked = [...readUpTo.entries()]
    .map(([id, upTo]) => ({ id, upTo, lastPostedMs: lastPosted.get(id) ?? 0 }))
    .filter((entry) => entry.upTo > 0 && entry.lastPostedMs >= read.horizonMs)
    .sort((a, b) => b.lastPostedMs - a.lastPostedMs)
    .slice(0, MAX_TRACKED_TOPICS);

  const bumps = listed.flatMap((topic) => (topic.bumpedMs === null ? [] : [topic.bumpedMs]));
  let readThrough = cursor?.readThrough ?? null;
  if (unfinished.length > 0) {
    // Next pass lists at least down to the oldest topic still being read.
    readThrough = Math.min(...unfinished.map((topic) => topic.bumpedMs ?? read.horizonMs));
  } else if (bumps.length > 0) {
    readThrough = Math.max(readThrough ?? Number.NEGATIVE_INFINITY, Math.max(...bumps) - READ_THROUGH_SLACK_MS);
  }
  return {
    posts,
    cursor: {
      v: 1,
      kind: 'category',
      category,
      readThrough,
      topics: Object.fromEntries(tracked.map((entry) => [String(entry.id), [entry.upTo, entry.lastPostedMs]])),
    },
  };
}

/** The category's topics bumped since `floorMs` (and the pinned ones), most recently bumped first. */
async function listTopics(read: Reader, category: string, pages: number, floorMs: number): Promise<RawTopic[]> {
  const listed = new Map<number, RawTopic>();
  for (let page = 0; page < pages; page += 1) {
    const url = `${read.forum}/c/${category}/l/latest.json${page > 0 ? `?page=${page}` : ''}`;
    const answer = await getJson(read.fetcher, { url }, read.hints);
    const list = isObject(answer.data) ? child(answer.data, 'topic_list') : null;
    if (!list) throw unexpectedAnswer(url, 'no "topic_list"');
    const topics = objectsAt(list, 'topics', url)
      .map(readTopic)
      .filter((topic): topic is RawTopic => topic !== null);
    // A topic bumped while we page can show up twice: the first sighting is the newer one.
    for (const topic of topics) if (!listed.has(topic.id)) listed.set(topic.id, topic);
    const reachedFloor = topics.some((topic) => !topic.pinned && (topic.bumpedMs ?? 0) < floorMs);
    if (reachedFloor || topics.length === 0 || text(list, 'more_topics_url') === null) break;
  }
  return [...listed.values()];
}

/**
 * Reads a topic's posts after post number `upTo`, 20 a request, while requests are left; pushes the
 * counted ones to `posts`. Finished when it reached the topic's highest post number (or the end).
 */
async function readTopicPosts(
  read: Reader,
  topic: RawTopic,
  readUpTo: number,
  requests: { left: number },
  posts: Post[],
): Promise<{ upTo: number; finished: boolean }> {
  let after = readUpTo;
  if (after === 0 && topic.createdMs !== null && topic.createdMs < read.horizonMs) {
    // A long-running topic seen for the first time: its early posts are past the horizon anyway.
    after = Math.max(0, topic.highestPostNumber - OLD_TOPIC_BACKFILL_POSTS);
  }
  while (requests.left > 0) {
    requests.left -= 1;
    // Without post_number the first 20 posts come back; with it, the 20 after that post (never the post itself).
    const url =
      after === 0
        ? `${read.forum}/t/${topic.id}/posts.json`
        : `${read.forum}/t/${topic.id}/posts.json?post_number=${after}&asc=true`;
    const answer = await getJson(read.fetcher, { url }, read.hints);
    const stream = isObject(answer.data) ? child(answer.data, 'post_stream') : null;
    if (!stream) throw unexpectedAnswer(url, 'no "post_stream"');
    const chunk = objectsAt(stream, 'posts', url)
      .map(readPost)
      .filter((raw): raw is RawPost => raw !== null && raw.postNumber > after)
      .sort((a, b) => a.postNumber - b.postNumber);
    for (const raw of chunk) {
      if (raw.counted && withinHorizon(read, raw)) posts.push(toPost(read, raw, topic.slug ?? raw.topicSlug, topic.title));
    }
    const last = chunk.at(-1)?.postNumber;
    // The tail of a topic can be deleted posts we never see: an empty answer also ends it.
    if (last === undefined || last >= topic.highestPostNumber) return { upTo: Math.max(after, topic.highestPostNumber), finished: true };
    after = last;
  }
  return { upTo: after, finished: false };
}
