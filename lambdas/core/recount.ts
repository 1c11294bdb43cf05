// A recount after a config change: the stored posts of a period matched again against the current
// topics, and those topics' hourly buckets rebuilt to hold exactly what a fresh poll with this
// config would count. The targets depend only on the stored posts and the config, so a recount that
// crashed half way and ran again, or ran twice, ends with the same buckets.
//
// Posts stored before the sources and the whole text were kept (`sources` null) cannot be matched
// again: they keep counting where they were counted. An hour whose counted posts have expired is
// left as it is (its numbers cannot be rebuilt without them).

import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import { StoreError, UsageError } from './errors.ts';
import { compileTopics, matchableText } from './match.ts';
import { releasePassLock, takePassLock, type LockDeps } from './pipeline.ts';
import { DAY_MS, HOUR_MS, hourStart, iso } from './time.ts';
import type { Sentiment } from './types.ts';

/** A post as stored, with what matching it again needs. */
export interface StoredPost {
  id: string;
  title: string;
  /** The whole text (matching reads all of it). */
  text: string;
  link: string | null;
  bucketStart: string;
  /** The source that stored it first (a bucket's top posts name it). */
  sourceId: string;
  /** Every source that yielded it; null when stored before sources were kept (it cannot be matched again). */
  sources: string[] | null;
  sentiment: Pick<Sentiment, 'score' | 'label'>;
  topics: string[];
  petitionTopics: string[];
}

/** One post as one scope of a bucket counts it. */
export interface BucketEntry {
  id: string;
  petition: boolean;
  post: { title: string; link: string | null; sentiment: Pick<Sentiment, 'score' | 'label'>; sourceId?: string };
}

/** What one hourly bucket counts, per scope (null: topic-wide, each post once; else a source's own). */
export type BucketContents = Map<string | null, BucketEntry[]>;

/** What a topic's buckets have counted: hour → scope → post ids. */
export type CountedIds = Map<string, Map<string | null, Set<string>>>;

export interface PostTopics {
  id: string;
  topics: string[];
  petitionTopics: string[];
}

/** The store's side of a recount (the Store port has these). */
export interface RecountStore {
  /** Every stored post (counted or not) of the hours in [since, until). */
  storedPosts(since: string, until: string): Promise<StoredPost[]>;
  countedPosts(topic: string, since: string, until: string): Promise<CountedIds>;
  /** Makes each of these hours of the topic hold exactly these contents (empty: no bucket); returns the hours it rewrote. */
  rebuildBuckets(topic: string, hours: ReadonlyMap<string, BucketContents>): Promise<string[]>;
  setPostTopics(posts: readonly PostTopics[]): Promise<void>;
}

export interface TopicRecount {
  topic: string;
  hoursRebuilt: number;
  postsAdded: number;
  postsRemoved: number;
  /** Hours left as they were: some of the posts they counted are no longer stored. */
  hoursKept: string[];
}

export interface RecountReport {
  since: string;
  until: string;
  postsRead: number;
  /** Posts stored before sources and whole texts were kept: counted as before, not matched again. */
  postsNotRematched: number;
  topics: TopicRecount[];
}

export interface RecountPlan {
  /** Per topic of the config: the hours to rebuild and what each must hold. */
  buckets: Map<string, Map<string, BucketContents>>;
  hoursKept: Map<string, string[]>;
  postTopics: PostTopics[];
  postsNotRematched: number;
}

/** What the buckets of the period must hold under `config`, from the stored posts and what is counted now. */
export function planRecount(config: Config, posts: readonly StoredPost[], counted: ReadonlyMap<string, CountedIds>): RecountPlan {
  const matcher = compileTopics(config.topics);
  const sourceTopics = new Map(config.sources.map((source) => [source.id, source.topics]));
  const buckets = new Map(config.topics.map((topic) => [topic.id, new Map<string, BucketContents>()]));
  const add = (topic: string, hour: string, scope: string | null, entry: BucketEntry) => {
    const hours = buckets.get(topic)!;
    let contents = hours.get(hour);
    if (!contents) hours.set(hour, (contents = new Map()));
    let entries = contents.get(scope);
    if (!entries) contents.set(scope, (entries = []));
    entries.push(entry);
  };

  const byId = new Map(posts.map((post) => [post.id, post]));
  const postTopics: PostTopics[] = [];
  for (const post of posts) {
    if (post.sources === null) continue;
    const text = matchableText(post);
    const petitionOf = new Map<string, boolean>();
    // Each source that yielded the post counts it for its own topics, as a poll does.
    for (const source of post.sources) {
      const topicIds = sourceTopics.get(source);
      if (!topicIds) continue;
      for (const match of matcher.match(text, topicIds)) {
        const entry = { id: post.id, petition: match.petition, post };
        // Topic-wide, a story several sources link counts once.
        if (!petitionOf.has(match.topicId)) add(match.topicId, post.bucketStart, null, entry);
        add(match.topicId, post.bucketStart, source, entry);
        petitionOf.set(match.topicId, match.petition);
      }
    }
    const topics = [...petitionOf.keys()].sort();
    const petitionTopics = topics.filter((topic) => petitionOf.get(topic));
    if (!sameSet(topics, post.topics) || !sameSet(petitionTopics, post.petitionTopics)) postTopics.push({ id: post.id, topics, petitionTopics });
  }

  const hoursKept = new Map<string, string[]>();
  const notRematched = new Set<string>();
  for (const [topic, hours] of buckets) {
    const kept: string[] = [];
    for (const [hour, scopes] of counted.get(topic) ?? []) {
      if ([...scopes.values()].some((ids) => [...ids].some((id) => !byId.has(id)))) {
        kept.push(hour);
        hours.delete(hour);
        continue;
      }
      // Every hour counted now is rebuilt, to nothing when no post counts there any more.
      if (!hours.has(hour)) hours.set(hour, new Map());
      for (const [scope, ids] of scopes) {
        for (const id of ids) {
          const post = byId.get(id)!;
          if (post.sources !== null) continue;
          notRematched.add(id);
          add(topic, hour, scope, { id, petition: post.petitionTopics.includes(topic), post });
        }
      }
    }
    hoursKept.set(topic, kept.sort());
  }
  // In id order, so the same posts always give the same sums (a re-run then finds nothing to change).
  for (const hours of buckets.values()) for (const scopes of hours.values()) for (const entries of scopes.values()) entries.sort(byPostId);
  return { buckets, hoursKept, postTopics, postsNotRematched: notRematched.size };
}

const byPostId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

/** Thrown when a poll holds the pass lock: a recount never runs beside one. */
export class RecountBusy extends StoreError {
  constructor(heldUntil: string) {
    super(`a poll is running (its lock lasts until ${heldUntil}); run the recount again after it`);
    this.name = 'RecountBusy';
  }
}

export interface RecountDeps extends LockDeps {
  config: Config;
  store: LockDeps['store'] & RecountStore;
  /** Start of the period (epoch ms); it runs up to the end of the current hour. */
  sinceMs: number;
}


export async function runRecount(deps: RecountDeps): Promise<RecountReport> {
  const { config, store, now, log, sinceMs } = deps;
  const since = iso(hourStart(sinceMs));
  const until = iso(hourStart(now.getTime()) + HOUR_MS);
  // Posts older than the retention may be gone, and their hours could not be rebuilt.
  const reachDays = config.poll.postRetentionDays;
  if (sinceMs < now.getTime() - reachDays * DAY_MS) {
    throw new UsageError(`since (${iso(sinceMs)}) is more than ${reachDays} days back: posts are kept that long (poll.postRetentionDays), so a recount reaches no further`);
  }
  const holder = `recount-${randomUUID()}`;
  try {
    const lock = await takePassLock(deps, holder);
    if (!lock.acquired) throw new RecountBusy(lock.heldUntil);
    const posts = await store.storedPosts(since, until);
    const counted = new Map(await Promise.all(config.topics.map(async (topic) => [topic.id, await store.countedPosts(topic.id, since, until)] as const)));
    const plan = planRecount(config, posts, counted);
    await store.setPostTopics(plan.postTopics);
    const topics: TopicRecount[] = [];
    for (const [topic, hours] of plan.buckets) {
      const rebuilt = new Set(await store.rebuildBuckets(topic, hours));
      const before = new Set<string>();
      const after = new Set<string>();
      for (const hour of rebuilt) {
        for (const id of counted.get(topic)?.get(hour)?.get(null) ?? []) before.add(id);
        for (const entry of hours.get(hour)?.get(null) ?? []) after.add(entry.id);
      }
      topics.push({
        topic,
        hoursRebuilt: rebuilt.size,
        postsAdded: [...after].filter((id) => !before.has(id)).length,
        postsRemoved: [...before].filter((id) => !after.has(id)).length,
        hoursKept: plan.hoursKept.get(topic) ?? [],
      });
    }
    return { since, until, postsRead: posts.length, postsNotRematched: plan.postsNotRematched, topics };
  } finally {
    await releasePassLock(store, holder, log);
  }
}
