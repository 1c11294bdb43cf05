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
//
// Every post and topic is read against its wire schema; one that fails is counted in the source's
// health (`rejected`) and the rest of the answer is still read.

import { z } from 'zod';
import { readAnswer } from './api/answer.ts';
import { cursorPoll, readCursorAs } from './api/cursor.ts';
import { catchUpHorizonMs } from './api/horizon.ts';
import { getJson, type AccessHints } from './api/json.ts';
import { createRejectionCounter, readItems, type RejectionCounter } from './api/rejections.ts';
import { apiTimeMs } from './api/shape.ts';
import { collapseWhitespace, dedupKeyFor, htmlToPlainText } from '../../core/normalise.ts';
import type { Fetcher, Source } from '../../core/ports.ts';
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
      const rejections = createRejectionCounter();
      const read: Reader = { fetcher, forum, hints, sourceId: config.id, horizonMs: catchUpHorizonMs(now), rejections };
      const { posts, cursor } = category
        ? await pollCategory(read, category, budget, readCursorAs(state.cursor, categoryCursorSchema, categoryTarget(forum, category)))
        : await pollForum(read, budget, readCursorAs(state.cursor, forumCursorSchema, forum));
      return cursorPoll({ posts, cursor, rejections });
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
  rejections: RejectionCounter;
}

// ---- the wire shapes ----

// Fields an API version may drop or null are nullish; only what a post or topic cannot be read
// without is required.
const count = z.number().int();
const optionalText = z.string().nullish();
const flag = z.boolean().nullish();
const time = optionalText.transform((value) => apiTimeMs(value ?? null));

/** A post as /posts.json and /t/{id}/posts.json serialise it (PostSerializer). */
const postSchema = z
  .object({
    id: count,
    post_number: count,
    topic_id: count,
    post_type: count.nullish(),
    topic_slug: optionalText,
    topic_title: optionalText,
    username: optionalText,
    created_at: time,
    cooked: optionalText,
    hidden: flag,
    cooked_hidden: flag,
    user_deleted: flag,
    deleted_at: optionalText,
  })
  .transform((o) => ({
    id: o.id,
    postNumber: o.post_number,
    topicId: o.topic_id,
    topicSlug: o.topic_slug ?? null,
    topicTitle: o.topic_title ?? null,
    username: o.username ?? null,
    createdMs: o.created_at,
    cooked: o.cooked ?? '',
    /** A member's visible post: not a notice or small action, not hidden by flags, not deleted or withdrawn. */
    counted: (o.post_type ?? REGULAR_POST) === REGULAR_POST && !o.hidden && !o.cooked_hidden && !o.user_deleted && o.deleted_at == null,
  }));
type RawPost = z.output<typeof postSchema>;

/** A topic as a topic list serialises it (TopicListItemSerializer). */
const topicSchema = z
  .object({
    id: count,
    slug: optionalText,
    title: optionalText,
    highest_post_number: count.nullish(),
    created_at: time,
    last_posted_at: time,
    bumped_at: time,
    pinned: flag,
  })
  .transform((o) => ({
    id: o.id,
    slug: o.slug ?? null,
    title: o.title ?? '',
    highestPostNumber: o.highest_post_number ?? 0,
    createdMs: o.created_at,
    lastPostedMs: o.last_posted_at,
    bumpedMs: o.bumped_at,
    /** Pinned topics head the list whatever their bump time. */
    pinned: o.pinned === true,
  }));
type RawTopic = z.output<typeof topicSchema>;

/** The answers around them: the items stay unknown here and are read one by one, so a bad one is only counted. */
const latestPostsAnswer = z.object({ latest_posts: z.array(z.unknown()) });
const topicListAnswer = z.object({ topic_list: z.object({ topics: z.array(z.unknown()), more_topics_url: optionalText }) });
const topicPostsAnswer = z.object({ post_stream: z.object({ posts: z.array(z.unknown()) }) });

/** An item named in the source's health: by its id when it has one, else by its place in the answer. */
const itemName = (kind: string, url: string) => (item: unknown, index: number) => {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'number' || typeof id === 'string' ? `${kind} ${id}` : `${kind} #${index + 1} in ${url}`;
};

const readPosts = (read: Reader, raw: readonly unknown[], url: string): RawPost[] => readItems(raw, postSchema, read.rejections, itemName('post', url));

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
//
// Not the shared pollNewestFirst (api/walk.ts): that reads what is new first and gives up an older
// unfinished walk when the new posts overflow a pass, since a listing serves only so far back. Here
// `before=<id>` reaches any depth, so an unfinished walk is finished first and a new one then starts at
// the top, stopping where the finished one began: however busy the forum, no post is ever given up.
// Post ids are JSON integers (a database serial, far below 2^53), so they are compared as numbers;
// api/ids.ts is for ids sent as strings.

const forumWalkSchema = z.object({
  /** The highest id this walk read. */
  top: count,
  /** Reading ids below this… */
  before: count,
  /** …down to (not including) this. */
  stopAt: count,
});
type ForumWalk = z.output<typeof forumWalkSchema>;

const forumCursorSchema = z.object({
  v: z.literal(1),
  /** The forum's root URL: another forum's post ids say nothing about this one. */
  for: z.string(),
  kind: z.literal('posts'),
  /** The highest post id read by a finished walk; null before the first one finished. */
  newest: count.nullable(),
  walk: forumWalkSchema.nullable(),
});
type ForumCursor = z.output<typeof forumCursorSchema>;

async function pollForum(read: Reader, budget: DiscourseLimits, cursor: ForumCursor | null): Promise<{ posts: Post[]; cursor: ForumCursor }> {
  let newest = cursor?.newest ?? null;
  let walk: ForumWalk | null = cursor?.walk ?? null;
  const posts: Post[] = [];
  let startedThisPass = false;
  for (let pages = 0; pages < budget.postPages; pages += 1) {
    const url = walk === null ? `${read.forum}/posts.json` : `${read.forum}/posts.json?before=${walk.before}`;
    const answer = await getJson(read.fetcher, { url }, read.hints);
    const page = readPosts(read, readAnswer(answer, latestPostsAnswer, 'no "latest_posts" list').latest_posts, url);
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
  return { posts, cursor: { v: 1, for: read.forum, kind: 'posts', newest, walk } };
}

// ---- one category: the topic list, then the changed topics ----

/** The category's address: what its cursor is for. */
const categoryTarget = (forum: string, category: string) => `${forum}/c/${category}`;

const categoryCursorSchema = z.object({
  v: z.literal(1),
  for: z.string(),
  kind: z.literal('category'),
  /** Topics bumped before this (epoch ms) were read as far as they went; null on a first run. */
  readThrough: count.nullable(),
  /** Topic id → [the post number read up to, the topic's last post time in epoch ms]. */
  topics: z.record(z.string(), z.tuple([count, count])),
});
type CategoryCursor = z.output<typeof categoryCursorSchema>;

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
      for: categoryTarget(read.forum, category),
      kind: 'category',
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
    const list = readAnswer(answer, topicListAnswer, 'no "topic_list" with a "topics" list').topic_list;
    const topics = readItems(list.topics, topicSchema, read.rejections, itemName('topic', url));
    // A topic bumped while we page can show up twice: the first sighting is the newer one.
    for (const topic of topics) if (!listed.has(topic.id)) listed.set(topic.id, topic);
    const reachedFloor = topics.some((topic) => !topic.pinned && (topic.bumpedMs ?? 0) < floorMs);
    if (reachedFloor || topics.length === 0 || list.more_topics_url == null) break;
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
    const stream = readAnswer(answer, topicPostsAnswer, 'no "post_stream" with a "posts" list').post_stream;
    const chunk = readPosts(read, stream.posts, url)
      .filter((raw) => raw.postNumber > after)
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
