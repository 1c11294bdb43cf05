// The config contract (DESIGN.md): one zod schema is the source of the config's types,
// shared by the CLI, the Lambda handlers and `cdk synth`.

import { z } from 'zod';
import { alertsSchema } from './alerts-schema.ts';
import { digestSchema } from './digest-schema.ts';
import { channelName, notifySchema } from './notify-schema.ts';
import { SOURCE_TYPES } from './source-types.ts';

const id = z
  .string({ error: 'must be a string id' })
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    error: 'must be 1-64 characters of lower-case letters, digits, ".", "_" or "-" (e.g. "bosch-legacy")',
  });

const terms = (what: string) =>
  z.array(z.string().trim().min(1, { error: `each ${what} must be a non-empty string` }), {
    error: `must be a list of ${what}s, e.g. ["bosch legacy"]`,
  });

export const topicSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  keywords: terms('keyword').min(1, { error: 'needs at least one keyword' }),
  exclude: terms('exclusion').default([]),
  petitionKeywords: terms('petition keyword').default([]),
});

const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'must be a full http(s) URL, e.g. "https://example.com/feed.xml"',
});

const sourceBase = {
  id,
  topics: z.array(id).min(1, { error: 'needs at least one topic id from "topics"' }),
};

/** Replaces an API type's fixed host: a mirror, or a local server in tests. */
const baseUrl = httpUrl.optional();
const name = (what: string, example: string) =>
  z
    .string({ error: `must be the ${what}, e.g. "${example}"` })
    .trim()
    .min(1, { error: `must be the ${what}, e.g. "${example}"` });

export const rssSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal('rss'),
  url: httpUrl,
});

export const redditSourceSchema = z
  .strictObject({
    ...sourceBase,
    type: z.literal('reddit'),
    subreddit: z
      .string()
      .regex(/^(r\/)?[A-Za-z0-9_]{2,21}$/, { error: 'must be a subreddit name like "BoschLegacy" (with or without "r/")' })
      .transform((v) => v.replace(/^r\//, ''))
      .optional(),
    search: name('search query', 'bosch legacy').optional(),
    include: z
      .array(z.enum(['posts', 'comments'], { error: 'each entry must be "posts" or "comments"' }))
      .min(1, { error: 'needs "posts", "comments" or both' })
      .default(['posts', 'comments']),
    baseUrl,
  })
  .refine((s) => (s.subreddit === undefined) !== (s.search === undefined), {
    error: 'set exactly one of "subreddit" (a community) or "search" (a query across Reddit)',
    path: ['subreddit'],
  });

const hashtag = z
  .string({ error: 'must be a hashtag without "#", e.g. "SaveBoschLegacy"' })
  .regex(/^#?[\p{L}\p{N}_]+$/u, { error: 'must be a hashtag without "#", e.g. "SaveBoschLegacy"' })
  .transform((v) => v.replace(/^#/, ''));

/** The name of an environment variable (or key of the stack's secret) that holds a credential: never the credential. */
const envName = z
  .string({ error: 'must be the NAME of an environment variable holding the token, e.g. "MASTODON_SOCIAL_TOKEN" (never the token itself)' })
  .regex(/^[A-Z][A-Z0-9_]{1,63}$/, {
    error: 'must be the NAME of an environment variable holding the token, e.g. "MASTODON_SOCIAL_TOKEN" (never the token itself)',
  });

export const mastodonSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal('mastodon'),
  instance: httpUrl,
  tag: hashtag,
  /** More hashtags read in the same timeline (Mastodon's `any[]`). */
  any: z.array(hashtag).max(4, { error: 'at most 4 extra tags (the timeline takes up to 4 more)' }).default([]),
  /** Where the access token is, when the instance requires a login for hashtag timelines. @default "MASTODON_TOKEN" */
  tokenEnv: envName.optional(),
});

export const discourseSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal('discourse'),
  url: httpUrl,
  category: z
    .string()
    .regex(/^[a-z0-9-]+\/\d+$/i, { error: 'must be "slug/id" as in the category URL /c/slug/id, e.g. "tv-shows/12"' })
    .optional(),
});

export const lemmySourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal('lemmy'),
  instance: httpUrl,
  community: name('community name (optionally name@instance)', 'television@lemmy.world'),
});

export const hackernewsSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal('hackernews'),
  query: name('search query', 'bosch legacy'),
  baseUrl,
});

export const blueskySourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal('bluesky'),
  /** Bluesky's search syntax: words, "phrases", #tags, OR; e.g. "\"bosch legacy\" OR #saveboschlegacy". */
  query: name('search query', '"bosch legacy" OR #saveboschlegacy'),
  lang: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'must be a language code like "en" or "pt-BR"' })
    .optional(),
  /** Where the account logs in (its PDS or the entryway). */
  service: httpUrl.default('https://bsky.social'),
});

const youtubeVideoId = z.string().regex(/^[A-Za-z0-9_-]{11}$/, { error: 'each video must be an 11-character video id, e.g. "dQw4w9WgXcQ" (the v= of its URL)' });

export const youtubeSourceSchema = z
  .strictObject({
    ...sourceBase,
    type: z.literal('youtube'),
    videos: z.array(youtubeVideoId, { error: 'must be a list of video ids, e.g. ["dQw4w9WgXcQ"]' }).default([]),
    channel: z
      .string()
      .regex(/^UC[A-Za-z0-9_-]{22}$/, { error: 'must be a channel id: "UC" and 22 characters (from the channel page\'s "Share channel" → "Copy channel ID")' })
      .optional(),
    /** Finds new videos matching it (YouTube search, at most once an hour: its quota is small). */
    query: name('search query for new videos', 'bosch legacy').optional(),
    baseUrl,
  })
  .refine((s) => s.videos.length > 0 || s.channel !== undefined || s.query !== undefined, {
    error: 'set "videos" (video ids), "channel" (a channel id) or "query" (to find videos): at least one',
    path: ['videos'],
  });

export { SOURCE_TYPES };

export const sourceSchema = z.discriminatedUnion(
  'type',
  [
    rssSourceSchema,
    redditSourceSchema,
    mastodonSourceSchema,
    discourseSourceSchema,
    lemmySourceSchema,
    hackernewsSourceSchema,
    blueskySourceSchema,
    youtubeSourceSchema,
  ],
  { error: `type must be one of: ${SOURCE_TYPES.map((t) => `"${t}"`).join(', ')}` },
);

const perInvocation =
  'must be "auto" or a whole number of sources from 1 to 10000, e.g. 100 (a pass over more sources than this is split into batches of this many, each polled by its own worker)';

export const pollSchema = z.strictObject({
  intervalMinutes: z.number().int().min(1).max(1440).default(15),
  timeoutMs: z.number().int().min(1000).max(120_000).default(20_000),
  maxBytes: z.number().int().min(10_000).max(50_000_000).default(5_000_000),
  concurrency: z.number().int().min(1).max(64).default(8),
  perHostConcurrency: z.number().int().min(1).max(16).default(2),
  userAgent: z
    .string()
    .min(8)
    .default('fanpulse/0.1 (fan-campaign sentiment monitor; +https://github.com/fanpulse/fanpulse)'),
  /** Raw posts expire after this many days (DynamoDB TTL); trend buckets are kept. */
  postRetentionDays: z.number().int().min(31).max(3650).default(90),
  /**
   * The most sources one invocation polls: a pass over more fans out into batches of this many, each
   * polled by a worker invocation (lambdas/core/fan-out.ts). "auto": as many as an invocation
   * finishes even if every one of them times out (core/fan-out-plan.ts).
   */
  sourcesPerInvocation: z
    .union([z.literal('auto'), z.number().int({ error: perInvocation }).min(1, { error: perInvocation }).max(10_000, { error: perInvocation })], { error: perInvocation })
    .default('auto'),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    topics: z.array(topicSchema).min(1, { error: 'needs at least one topic' }),
    sources: z.array(sourceSchema).min(1, { error: 'needs at least one source' }),
    alerts: alertsSchema.prefault({}),
    poll: pollSchema.prefault({}),
    notify: notifySchema.default([]),
    digest: digestSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const topicIds = new Set<string>();
    config.topics.forEach((topic, i) => {
      if (topicIds.has(topic.id)) {
        ctx.addIssue({ code: 'custom', path: ['topics', i, 'id'], message: `duplicate topic id "${topic.id}": ids must be unique` });
      }
      topicIds.add(topic.id);
    });
    const sourceIds = new Set<string>();
    config.sources.forEach((source, i) => {
      if (sourceIds.has(source.id)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${source.id}": ids must be unique` });
      }
      sourceIds.add(source.id);
      source.topics.forEach((topicId, j) => {
        if (!topicIds.has(topicId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, 'topics', j],
            message: `unknown topic "${topicId}": use one of the ids in "topics" (${[...topicIds].join(', ')})`,
          });
        }
      });
    });
    const channelNames = new Set<string>();
    config.notify.forEach((channel, i) => {
      const name = channelName(channel);
      if (channelNames.has(name)) {
        const message =
          channel.type === 'email'
            ? 'only one "email" channel: it stands for the one e-mail topic (AWS) or alert file (locally); put all its topics and kinds in one entry'
            : `two channels are both named "${name}": give one an "id" of its own`;
        ctx.addIssue({ code: 'custom', path: ['notify', i, channel.type === 'email' ? 'type' : 'id'], message });
      }
      if (channel.kinds.includes('digest') && !config.digest) {
        ctx.addIssue({
          code: 'custom',
          path: ['notify', i, 'kinds'],
          message: 'asks for "digest" but the config has no "digest" section: add one, e.g. "digest": { "hour": 9, "timeZone": "America/Los_Angeles" }',
        });
      }
      channelNames.add(name);
      channel.topics.forEach((topicId, j) => {
        if (!topicIds.has(topicId)) {
          ctx.addIssue({ code: 'custom', path: ['notify', i, 'topics', j], message: `unknown topic "${topicId}": use one of the ids in "topics" (${[...topicIds].join(', ')})` });
        }
      });
    });
  });

export type Config = z.output<typeof configSchema>;
export type Topic = Config['topics'][number];
export type SourceConfig = Config['sources'][number];
export type SourceType = SourceConfig['type'];
export type SourceOf<T extends SourceType> = Extract<SourceConfig, { type: T }>;
export type PollSettings = Config['poll'];
export type AlertsConfig = Config['alerts'];
