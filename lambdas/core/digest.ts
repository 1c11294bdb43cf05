// The daily (and weekly) digest of a topic: which digests are due at a given moment, and the
// digest itself built from plain data (the period's and the previous periods' hourly buckets, its
// posts, alerts and source states). Pure: the clock and the reads are the caller's.

import type { DigestSchedule } from '../config/digest-schema.ts';
import { WEEKDAYS } from '../config/digest-schema.ts';
import { hourStart, iso } from './time.ts';
import { needsAttention } from './source-health.ts';
import { rankTopPosts } from './top-posts.ts';
import type { Digest, DigestPost, DigestTotals, ListedPost, SourceState, SpikeAlert, TrendBucket } from './types.ts';
import { addDays, startOfDay, wallClock } from './zoned-time.ts';

export const DIGEST_TOP_POSTS = 5;
/** The periods a digest compares with: the previous 7 days, or the previous 4 weeks. */
const USUAL_PERIODS = { daily: 7, weekly: 4 } as const;

/** One digest to send: the topic, the campaign days it covers, and the UTC hours they are. */
export interface DigestPeriod {
  id: string;
  topic: string;
  period: Digest['period'];
  timeZone: string;
  firstDay: string;
  lastDay: string;
  /** UTC hours [sinceMs, untilMs) counted for the period, and [usualSinceMs, sinceMs) for the ones before. */
  sinceMs: number;
  untilMs: number;
  usualSinceMs: number;
}

/**
 * The digests due at `now`: from the configured hour of a campaign day until its end, the digest of
 * the day before (and on the weekly day, of the 7 days before). A day the monitor did not run at
 * all in that time gets no digest later: a digest of last week is no use.
 */
export function dueDigests(topics: readonly string[], schedule: DigestSchedule, now: Date): DigestPeriod[] {
  const today = wallClock(now.getTime(), schedule.timeZone);
  if (today.hour < schedule.hour) return [];
  const daily = (topic: string) => period(topic, 'daily', addDays(today.date, -1), today.date, schedule.timeZone);
  const weekly = (topic: string) => period(topic, 'weekly', addDays(today.date, -7), today.date, schedule.timeZone);
  const isWeeklyDay = schedule.weekly !== false && WEEKDAYS[today.weekday] === schedule.weekly;
  return topics.flatMap((topic) => (isWeeklyDay ? [daily(topic), weekly(topic)] : [daily(topic)]));
}

function period(topic: string, kind: Digest['period'], firstDay: string, endDay: string, timeZone: string): DigestPeriod {
  const days = kind === 'daily' ? 1 : 7;
  // Buckets are UTC hours: in a zone a half hour off UTC, the hour holding midnight counts for the day it starts in.
  const edge = (day: string) => hourStart(startOfDay(day, timeZone));
  return {
    id: `${topic}#${kind}-digest#${firstDay}`,
    topic,
    period: kind,
    timeZone,
    firstDay,
    lastDay: addDays(endDay, -1),
    sinceMs: edge(firstDay),
    untilMs: edge(endDay),
    usualSinceMs: edge(addDays(firstDay, -days * USUAL_PERIODS[kind])),
  };
}

export interface DigestInput {
  period: DigestPeriod;
  topicName: string;
  /** The topic's hourly buckets over [usualSinceMs, untilMs) (others are ignored). */
  buckets: readonly TrendBucket[];
  /** Posts counted in the period (candidates for the top posts). */
  posts: readonly ListedPost[];
  /** Alerts listed around the period: the topic's whose window starts in it are kept. */
  alerts: readonly SpikeAlert[];
  /** The topic's sources, with their health now. */
  sources: readonly (SourceState & { type: string })[];
  now: Date;
}

export function buildDigest({ period, topicName, buckets, posts, alerts, sources, now }: DigestInput): Digest {
  const inRange = (from: number, to: number) => buckets.filter((b) => Date.parse(b.bucketStart) >= from && Date.parse(b.bucketStart) < to);
  const before = totalsOf(inRange(period.usualSinceMs, period.sinceMs));
  const periods = USUAL_PERIODS[period.period];
  return {
    id: period.id,
    topic: period.topic,
    topicName,
    period: period.period,
    timeZone: period.timeZone,
    firstDay: period.firstDay,
    lastDay: period.lastDay,
    since: iso(period.sinceMs),
    until: iso(period.untilMs),
    totals: totalsOf(inRange(period.sinceMs, period.untilMs)),
    usual: {
      posts: before.posts / periods,
      petitionMentions: before.petitionMentions / periods,
      positive: before.positive / periods,
      negative: before.negative / periods,
      neutral: before.neutral / periods,
      sentimentMean: before.sentimentMean,
      periods,
    },
    topPosts: rankTopPosts(posts, DIGEST_TOP_POSTS).map(({ title, link, sources: from, score, label, petition }): DigestPost => ({ title, link, sources: from, score, label, petition })),
    alerts: alerts
      .filter((a) => a.topic === period.topic && Date.parse(a.windowStart) >= period.sinceMs && Date.parse(a.windowStart) < period.untilMs)
      .sort((a, b) => a.windowStart.localeCompare(b.windowStart))
      .map(({ id, kind, windowStart, windowEnd, count, baseline }) => ({ id, kind, windowStart, windowEnd, count, baseline })),
    sourcesNeedingAttention: sources
      .filter(needsAttention)
      .map(({ sourceId, type, health, lastError, rejected }) => ({ sourceId, type, health, lastError, rejected })),
    createdAt: now.toISOString(),
  };
}

function totalsOf(buckets: readonly TrendBucket[]): DigestTotals {
  const sum = (pick: (b: TrendBucket) => number) => buckets.reduce((total, b) => total + pick(b), 0);
  const posts = sum((b) => b.posts);
  return {
    posts,
    petitionMentions: sum((b) => b.petitionMentions),
    positive: sum((b) => b.positive),
    negative: sum((b) => b.negative),
    neutral: sum((b) => b.neutral),
    sentimentMean: posts > 0 ? sum((b) => b.sentimentSum) / posts : 0,
  };
}

/** The hours to read for a digest: the period and the ones it is compared with. */
export const digestHours = (period: DigestPeriod) => ({ since: iso(period.usualSinceMs), until: iso(period.untilMs) });
