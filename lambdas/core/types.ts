// The domain model shared by every step of a poll and by the query paths.

import type { ALERT_KINDS } from '../config/notify-schema.ts';
import type { BucketCounts } from './bucket-counts.ts';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/** One item from a source, normalised: what every source type yields. */
export interface Post {
  sourceId: string;
  /** Stable id within the source: guid, else link, else a hash of the content. */
  id: string;
  /** Same story from two sources → same key (canonical link, else content hash). */
  dedupKey: string;
  /** Absolute URL, or null when the item has none. */
  link: string | null;
  author: string | null;
  title: string;
  /** Plain text (HTML already converted). */
  text: string;
  /** ISO-8601 UTC; null when the item has no (parseable) date. */
  published: string | null;
}

export interface Sentiment {
  score: number;
  comparative: number;
  label: SentimentLabel;
}

/** A topic a post counts for, and whether it is a petition mention there. */
export interface TopicMatch {
  topicId: string;
  petition: boolean;
}

/** A post after matching and scoring, placed in the hour it counts in. */
export interface ScoredPost extends Post {
  topics: TopicMatch[];
  sentiment: Sentiment;
  /** ISO start of the UTC hour the post counts in (published, else first-seen). */
  bucketStart: string;
}

/**
 * Hourly (or daily, when rolled up) counts for one topic, across sources or for one source: the
 * counters of core/bucket-counts.ts (posts, petition mentions, and the sentiment split of each).
 */
export interface TrendBucket extends BucketCounts {
  topic: string;
  /** null: all sources, each post once; otherwise that source's own counts. */
  source: string | null;
  bucketStart: string;
  /** Mean sentiment score of all the bucket's posts. */
  sentimentMean: number;
}

/** Where a listed post stands in the newest-first order (and where a page of posts ends). */
export interface PostPosition {
  id: string;
  bucketStart: string;
  published: string | null;
}

/** A stored post as the query paths list it: the post behind the numbers. */
export interface ListedPost extends PostPosition {
  title: string;
  /** Plain text, the first 600 characters. */
  text: string;
  link: string | null;
  author: string | null;
  /** The sources that counted it (a story linked from several counts once, for each of them). */
  sources: string[];
  /** Of the topics asked about, the ones it counts for. */
  topics: string[];
  /** A petition mention in at least one of those topics. */
  petition: boolean;
  score: number;
  label: SentimentLabel;
}

/** A post kept with a bucket so an alert can show what caused it. */
export interface TopPost {
  title: string;
  link: string | null;
  score: number;
  petition: boolean;
  /** The source it was counted from (absent in buckets stored before sources were kept). */
  source?: string;
}

/** petition-spike: petition mentions; volume-spike: all posts; negativity-surge: the negative share. */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What a channel can be routed: a kind of alert, or the digest. */
export type ChannelKind = AlertKind | 'digest';

/** A spike's window (ISO-8601) and its numbers: what an alert shows and a backtest (`fanpulse detect`) prints alike. */
export interface SpikeWindow {
  windowStart: string;
  windowEnd: string;
  count: number;
  baseline: number;
  threshold: number;
  pValue: number;
}

export interface SpikeAlert extends SpikeWindow {
  /** Deterministic: topic + kind + window start, so one spike has one id. */
  id: string;
  topic: string;
  topicName: string;
  kind: AlertKind;
  /** How the baseline was made: the usual for this hour of day, or a flat level while history is short. */
  basis?: 'seasonal' | 'short-history';
  /**
   * The sentiment of exactly the posts counted (for a petition spike: the petition mentions):
   * positive + negative + neutral + unscored = count.
   */
  sentimentMean: number;
  positive: number;
  negative: number;
  neutral: number;
  /** Counted posts whose sentiment was not kept (buckets stored by an older version); absent = 0. */
  unscored?: number;
  topPosts: TopPost[];
  detectedAt: string;
  status: 'pending' | 'sent';
  sentAt: string | null;
}

/** Posts, petition mentions and sentiment over a digest's period (or on average over the ones before). */
export interface DigestTotals {
  posts: number;
  petitionMentions: number;
  positive: number;
  negative: number;
  neutral: number;
  /** Mean sentiment score of the posts (0 with none). */
  sentimentMean: number;
}

/** A post a digest quotes: distinct by link (else title), with the sources that counted it. */
export interface DigestPost {
  title: string;
  link: string | null;
  sources: string[];
  score: number;
  label: SentimentLabel;
  petition: boolean;
}

/**
 * A topic's daily (or weekly) digest: the period's numbers against the periods before it, the top
 * posts, the alerts and the sources needing attention. Its id is deterministic (topic, period,
 * first day), so each channel gets one digest per topic-day.
 */
export interface Digest {
  id: string;
  topic: string;
  topicName: string;
  period: 'daily' | 'weekly';
  timeZone: string;
  /** First and last day covered, campaign dates (YYYY-MM-DD in timeZone). */
  firstDay: string;
  lastDay: string;
  /** The UTC hours counted: [since, until). */
  since: string;
  until: string;
  totals: DigestTotals;
  /** The average period of the ones before (7 days for a daily digest, 4 weeks for a weekly one). */
  usual: DigestTotals & { periods: number };
  topPosts: DigestPost[];
  alerts: { id: string; kind: AlertKind; windowStart: string; windowEnd: string; count: number; baseline: number }[];
  sourcesNeedingAttention: { sourceId: string; type: string; health: SourceHealth; lastError: string | null; rejected: number }[];
  createdAt: string;
}

/**
 * One channel's delivery of one alert: `sent` once the channel accepted it; `deferred` after a failure
 * (not tried again before `retryAt` when the channel said when); `dead` when the channel is gone.
 */
export interface ChannelDelivery {
  channel: string;
  status: 'sent' | 'deferred' | 'dead';
  at: string;
  retryAt: string | null;
  attempts: number;
  lastError: string | null;
}

/** A channel that answered "gone" (404 from a deleted webhook), with the secret it was using. */
export interface DeadChannel {
  channel: string;
  fingerprint: string | null;
  reason: string;
  at: string;
}

/**
 * Why a source could not be read. `needs-credentials`: the source type needs a key or login the
 * environment (locally) or the stack's secret (AWS) does not hold; nothing was requested.
 */
export type FetchFailureKind = 'network' | 'timeout' | 'http-status' | 'too-large' | 'not-a-feed' | 'needs-credentials';

export type SourceHealth = 'ok' | 'failing' | 'needs-credentials' | 'never-polled';

/** Items a source received but could not read (they failed the API's wire schema), and why the first did. */
export interface Rejections {
  count: number;
  first: string | null;
}

/** What the store remembers about a source between passes. */
export interface SourceState {
  sourceId: string;
  etag: string | null;
  lastModified: string | null;
  /** Source-type specific position (API types); null for RSS. */
  cursor: string | null;
  health: SourceHealth;
  lastSuccess: string | null;
  lastAttempt: string | null;
  lastError: string | null;
  lastErrorKind: FetchFailureKind | null;
  consecutiveFailures: number;
  itemsSeen: number;
  /** Do not fetch before this time (Retry-After on 429/503, an API quota's reset). */
  retryAfter: string | null;
  /** Items received but unreadable, across passes, and the latest reason: never dropped silently. */
  rejected: number;
  lastRejection: string | null;
  /** What the source reads and why, in words (e.g. which Reddit mode, the API quota it used). */
  detail: string | null;
  /** The posts of its last listing already stored and counted for it (core/counted-memory.ts); absent before the first. */
  counted?: CountedPosts | null;
}

/**
 * A source's memory of what it has counted: the ids (post-id.ts) of the matching posts it listed
 * last time, all stored and counted in its own and the topic-wide buckets, valid only for the
 * topic definitions they were matched against (`for`, a fingerprint of them).
 */
export interface CountedPosts {
  for: string;
  ids: string[];
}
