// The only seams between the pure core and the outside world.

import type { FanOutStore } from './fan-out.ts';
import type { RecountStore } from './recount.ts';
import type { AlertKind, ChannelDelivery, ChannelKind, Digest, DeadChannel, ListedPost, Post, PostPosition, Rejections, ScoredPost, SentimentLabel, SourceState, SpikeAlert, TrendBucket } from './types.ts';

export interface Clock {
  now(): Date;
}

export interface FetchRequest {
  url: string;
  /** Validators from the previous 200, for a conditional GET. */
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
  /** Extra request headers (e.g. an API's Authorization). */
  headers?: Record<string, string>;
  /** A form POST instead of a GET (OAuth token requests); never redirected. */
  form?: Record<string, string>;
  /** A POST with this JSON body instead of a GET (XRPC procedures such as a Bluesky login); never redirected. */
  json?: unknown;
  /** 'POST' without `form` or `json`: a POST with no body (an XRPC procedure without input). @default 'GET' */
  method?: 'GET' | 'POST';
}

export type FetchResponse =
  | { notModified: true; url: string }
  | {
      notModified: false;
      /** The final URL after redirects (relative links resolve against it). */
      url: string;
      status: number;
      body: Buffer;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      /** Every response header, lower-case names (rate-limit headers, paging links). */
      headers: Record<string, string>;
    };

/** Polite HTTP GET shared by every source type; failures are thrown as FetchError with a kind. */
export interface Fetcher {
  get(request: FetchRequest): Promise<FetchResponse>;
}

export interface SourcePoll {
  /** False when the server answered 304 Not Modified. */
  changed: boolean;
  posts: Post[];
  etag: string | null;
  lastModified: string | null;
  cursor: string | null;
  /** Items received that failed the API's wire schema: counted in the source's health. */
  rejected?: Rejections;
  /** What the source read and why (mode, quota used), shown by `fanpulse sources`; undefined keeps the last. */
  detail?: string | null;
}

/**
 * Where a login session shared by sources is kept between passes and processes (a Bluesky session:
 * logins are rate-limited per account, so a session is renewed, never made per pass).
 */
export interface SessionStore {
  getSession(key: string): Promise<string | null>;
  putSession(key: string, value: string): Promise<void>;
}

/** One configured source: fetches what is there (or new since its cursor) as normalised posts. */
export interface Source {
  readonly id: string;
  poll(state: SourceState, now: Date): Promise<SourcePoll>;
}

export interface TrendQuery {
  topic?: string;
  source?: string;
  /** Inclusive start and exclusive end, ISO hour boundaries. */
  since: string;
  until: string;
}

export interface PostQuery {
  /** The topics whose posts to list (at least one). */
  topics: string[];
  /** Only the posts this source counted. */
  source?: string | undefined;
  /** Inclusive start and exclusive end, ISO hour boundaries (of the hours posts count in). */
  since: string;
  until: string;
  petition?: boolean | undefined;
  label?: SentimentLabel | undefined;
  limit: number;
  /** Continue after the post a previous page ended at. */
  after?: PostPosition | null | undefined;
}

export interface PostPage {
  posts: ListedPost[];
  /** Where the next page starts; null when this was the last. */
  next: PostPosition | null;
}

export interface IngestResult {
  /** Posts stored for the first time that count for a topic. */
  newPosts: number;
  /** Bucket items written (topic-wide and per source). */
  bucketWrites: number;
  /** Topics whose buckets changed: the ones to run spike detection on. */
  touchedTopics: string[];
}

export interface IngestOptions {
  now: Date;
  retentionDays: number;
  /**
   * Set when other ingests may store the same posts at the same time (a fanned-out pass's workers,
   * each ingesting its own batch of sources): a post is then stored only by whichever ingest gets
   * there first, and the others add their sources to it, so its item keeps every source and the
   * first storer. Unset, an ingest relies on the pass lock (nothing else ingests) and writes new
   * posts in batches, last write wins.
   */
  concurrentIngests?: boolean;
}

/** The machine and process a local pass runs in, kept in the lock so a restart can tell it is gone. */
export interface LockProcess {
  host: string;
  pid: number;
}

export type PassLockResult = { acquired: true } | { acquired: false; heldUntil: string; heldBy: string; process?: LockProcess };

/** Where the store's change counter stands: `count` changes before any counted data does; `writing` while a write may be landing. */
export interface ChangeMark {
  count: number;
  writing: boolean;
}

export interface Store extends SessionStore, RecountStore, FanOutStore {
  /** Creates the table if missing (and sets TTL where the endpoint supports it). */
  ensureReady(): Promise<void>;
  /** The change counter (buckets and recounts announce their writes on it): what an exact read cache checks. */
  changeMark(now: Date): Promise<ChangeMark>;
  /**
   * Deletes the items whose expiry has passed, as DynamoDB's TTL does, on a table that lacks it (the
   * embedded store) and at most once a day: how many it deleted, or null when it did nothing (a table
   * with TTL, or a sweep within the day). `signal` stops it between pages of the table.
   */
  sweepExpired(now: Date, signal?: AbortSignal): Promise<number | null>;
  /**
   * One pass at a time: takes the pass lock for `holder` until `until` unless another holder has
   * it and its lease has not run out (a pass that died releases it by running out). A local pass
   * records its `process`; `replacing` takes over the lock from that holder (a process known gone).
   */
  acquirePassLock(holder: string, now: string, until: string, options?: { process?: LockProcess; replacing?: string }): Promise<PassLockResult>;
  releasePassLock(holder: string): Promise<void>;
  getSourceStates(sourceIds: string[]): Promise<Map<string, SourceState>>;
  putSourceState(state: SourceState): Promise<void>;
  /**
   * Stores posts (also those that count for no topic, for a recount) and their bucket contributions.
   * Idempotent: any re-run counts each post once.
   */
  ingest(posts: ScoredPost[], options: IngestOptions): Promise<IngestResult>;
  /** Every topic a pass has counted posts for (empty: nothing was ever stored). */
  storedTopics(): Promise<string[]>;
  /** Hourly buckets, oldest first. Without `source`: the topic-wide (deduplicated) buckets. */
  queryTrends(query: TrendQuery): Promise<TrendBucket[]>;
  /** The posts the buckets of [since, until) counted, newest first, a page at a time. */
  listPosts(query: PostQuery): Promise<PostPage>;
  /** The posts behind a topic's buckets in [since, until), best evidence first. */
  topPosts(topic: string, since: string, until: string, limit: number): Promise<SpikeAlert['topPosts']>;
  /**
   * Records a new alert as pending unless the topic/kind is in cooldown (atomic: of two racing
   * passes only one wins). Returns false when in cooldown.
   */
  claimAlert(alert: SpikeAlert, cooldownUntil: string): Promise<boolean>;
  /** Alerts not yet accepted by every channel routed to them (the sink among them), oldest first. */
  pendingAlerts(): Promise<SpikeAlert[]>;
  /**
   * Takes a pending alert for delivery until `leaseUntil`, so that of two overlapping passes only
   * one sends it. False when another pass holds it (or it was sent meanwhile). A pass that dies
   * while holding it lets the lease run out, and a later pass sends it.
   */
  leaseAlert(alert: SpikeAlert, now: string, leaseUntil: string): Promise<boolean>;
  /** Marks the alert done: every channel it is routed to accepted it (or is dead). */
  markAlertSent(alert: SpikeAlert, sentAt: string): Promise<void>;
  /** Where each channel stands with an alert (channel name → its delivery); a channel not tried has none. */
  channelDeliveries(alertId: string): Promise<Map<string, ChannelDelivery>>;
  putChannelDelivery(alertId: string, delivery: ChannelDelivery): Promise<void>;
  /** Channels that answered "gone" (a deleted webhook), by channel name: not used again while their secret is the same. */
  deadChannels(): Promise<Map<string, DeadChannel>>;
  markChannelDead(dead: DeadChannel): Promise<void>;
  listAlerts(since: string, until: string): Promise<SpikeAlert[]>;
}

export interface AlertSink {
  /** Resolves once the alert is accepted for delivery; throws AlertDeliveryError otherwise. */
  send(alert: SpikeAlert): Promise<void>;
  /** The same for a topic's daily or weekly digest. */
  sendDigest(digest: Digest): Promise<void>;
}

/** One place alerts go (the e-mail/local sink, a Discord webhook, a Telegram chat, …). */
export interface AlertChannel extends AlertSink {
  /** Stable across deploys: the key its deliveries are recorded under. */
  readonly name: string;
  /**
   * A digest of the secret it sends with (never the secret): a channel marked dead comes back when
   * the user puts a new webhook URL or token under the same name. Null when there is no secret.
   */
  readonly fingerprint: string | null;
  /** Only these topics' alerts and digests; empty means all. */
  readonly topics: readonly string[];
  /** Only these kinds of alert, and the digest when "digest" is one; empty means every kind of alert (no digest). */
  readonly kinds: readonly ChannelKind[];
}
