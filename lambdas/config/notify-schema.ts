// The `notify` section of the config: the channels alerts go to besides the e-mail/local sink.
// Each names where its secret is (a webhook URL or bot token): the NAME of an environment variable
// locally, of a key in the stack's credentials secret in AWS; never the secret itself, because the
// config file is bundled and often committed.

import { z } from 'zod';

export const CHANNEL_TYPES = ['discord', 'slack', 'telegram', 'webhook', 'email'] as const;
/** Every kind of alert (lambdas/core/alert-kinds/); a channel's `kinds` picks among them. */
export const ALERT_KINDS = ['petition-spike', 'volume-spike', 'negativity-surge'] as const;
/** What a channel can ask for: the alert kinds, and the daily (and weekly) digest. */
export const CHANNEL_KINDS = [...ALERT_KINDS, 'digest'] as const;

const secretEnv = (example: string) =>
  z
    .string({ error: `secretEnv must be the NAME of the environment variable (or secret key) holding it, e.g. "${example}"; never the URL or token itself` })
    .regex(/^[A-Z][A-Z0-9_]{1,63}$/, {
      error: `secretEnv must be the NAME of the environment variable (or secret key) holding it, e.g. "${example}" (upper-case letters, digits, "_"); never the URL or token itself`,
    });

const routing = {
  /** Only these topics' alerts (ids from "topics"); all when absent. */
  topics: z.array(z.string({ error: 'each topic must be a topic id from "topics"' }), { error: 'topics must be a list of topic ids, e.g. ["bosch-legacy"]' }).default([]),
  /**
   * Only these kinds of alert, and "digest" for the daily digest. Absent: every kind of alert, and the
   * digest only on the e-mail (a daily post nobody asked for is noise in a busy chat channel).
   */
  kinds: z
    .array(z.enum(CHANNEL_KINDS, { error: `each kind must be one of: ${CHANNEL_KINDS.map((k) => `"${k}"`).join(', ')}` }), {
      error: 'kinds must be a list, e.g. ["petition-spike", "digest"]',
    })
    .default([]),
  /** Names the channel in `fanpulse alerts` and its delivery records. @default "<type>:<secretEnv>" */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._:-]{0,63}$/, { error: 'id must be 1-64 characters of lower-case letters, digits, ".", "_", ":" or "-", e.g. "discord-fans"' })
    .optional(),
};

const webhookChannel = <T extends 'discord' | 'slack' | 'webhook'>(type: T, example: string) =>
  z.strictObject({ type: z.literal(type), secretEnv: secretEnv(example), ...routing });

export const channelSchema = z.discriminatedUnion(
  'type',
  [
    webhookChannel('discord', 'DISCORD_WEBHOOK_URL'),
    webhookChannel('slack', 'SLACK_WEBHOOK_URL'),
    webhookChannel('webhook', 'FANPULSE_WEBHOOK_SECRET').extend({
      /** Where the JSON is POSTed; the secret (secretEnv) signs it. Not a secret itself. */
      url: z.url({ protocol: /^https?$/, error: 'url must be the full http(s) URL the alerts are POSTed to, e.g. "https://example.org/fanpulse"' }),
    }),
    z.strictObject({
      type: z.literal('telegram'),
      secretEnv: secretEnv('TELEGRAM_BOT_TOKEN'),
      /** The chat: a numeric id (groups are negative, e.g. -1001234567890) or a public channel's "@username". */
      chatId: z.union([z.number().int(), z.string().regex(/^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,})$/)], {
        error: 'chatId must be the chat\'s numeric id (e.g. -1001234567890 for a group) or a public channel\'s "@username"',
      }),
      /** Replaces api.telegram.org: a local Bot API server, or a test server. */
      baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl must be a full http(s) URL, e.g. "https://api.telegram.org"' }).optional(),
      ...routing,
    }),
    // The e-mail is the stack's SNS topic (addresses subscribed with -c alertEmail=…) in AWS and the
    // alert sink (alerts.jsonl and the terminal) locally: it has no secret, and it always exists.
    // Listing it only narrows what it gets; its deliveries stay recorded as "sink".
    z.strictObject({ type: z.literal('email'), topics: routing.topics, kinds: routing.kinds }),
  ],
  { error: `type must be one of: ${CHANNEL_TYPES.map((t) => `"${t}"`).join(', ')}` },
);

export const notifySchema = z.array(channelSchema, { error: 'notify must be a list of channels, e.g. [{ "type": "discord", "secretEnv": "DISCORD_WEBHOOK_URL" }]' });

export type ChannelConfig = z.output<typeof channelSchema>;
export type ChatChannelConfig = Exclude<ChannelConfig, { type: 'email' }>;
export type EmailChannelConfig = Extract<ChannelConfig, { type: 'email' }>;

/** The e-mail/sink's deliveries are recorded under this name (as before `email` entries existed). */
export const SINK_CHANNEL = 'sink';

/** The name a channel's deliveries are recorded under: stable while its type and secret name are. */
export const channelName = (channel: ChannelConfig): string =>
  channel.type === 'email' ? SINK_CHANNEL : (channel.id ?? `${channel.type}:${channel.secretEnv.toLowerCase()}`);
