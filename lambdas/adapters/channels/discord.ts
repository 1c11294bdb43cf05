// Discord: Execute Webhook (POST https://discord.com/api/webhooks/{id}/{token}) with one embed.
// Without ?wait=true Discord answers 204 No Content; 404 {"message":"Unknown Webhook","code":10015}
// once the webhook is deleted; 429 {"message":…,"retry_after":seconds,"global":bool}.
// Embed limits (Discord's "Embed Limits"): title 256, description 4096, field name 256, value 1024,
// footer 2048, 6000 across the message.

import { z } from 'zod';
import { formatAlertMessage } from '../../core/alert-message.ts';
import { digestMessage } from '../../core/digest-message.ts';
import type { AlertChannel } from '../../core/ports.ts';
import type { Digest, SpikeAlert } from '../../core/types.ts';
import { defineChannel, postToChannel, redact, secondsFromJson, type ChannelOptions } from './post.ts';

const rateLimited = z.object({ retry_after: z.number().nonnegative() });

/** Discord's markdown, so a post title shows as written (and cannot forge a link). */
const escapeMarkdown = (text: string) => text.replace(/[\\*_~`|[\]()<>#>-]/g, (c) => `\\${c}`);
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function discordPayload(alert: SpikeAlert): unknown {
  const { subject } = formatAlertMessage(alert);
  const posts = alert.topPosts.map((post, i) => {
    const title = escapeMarkdown(cut(post.title.replace(/\s+/g, ' ').trim() || '(untitled)', 200));
    return post.link ? `${i + 1}. [${title}](${post.link})` : `${i + 1}. ${title}`;
  });
  return {
    username: 'fanpulse',
    // No @everyone or role pings from a post title.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: cut(subject, 256),
        description: cut(posts.length > 0 ? `**Top posts**\n${posts.join('\n')}` : 'No posts were kept for this window.', 4096),
        color: 0xe67e22,
        fields: [
          { name: 'Mentions', value: String(alert.count), inline: true },
          { name: 'Usual', value: alert.baseline.toFixed(1), inline: true },
          { name: 'Sentiment', value: `${alert.positive} positive, ${alert.negative} negative, ${alert.neutral} neutral`, inline: false },
        ],
        timestamp: alert.detectedAt,
        footer: { text: cut(`fanpulse alert ${alert.id}`, 2048) },
      },
    ],
  };
}

/** The digest as one embed: the numbers as fields, each section (top posts, alerts, sources) as a field of lines. */
export function discordDigestPayload(digest: Digest): unknown {
  const message = digestMessage(digest);
  const line = (text: string, link: string | undefined) => {
    const shown = escapeMarkdown(cut(text.replace(/\s+/g, ' ').trim(), 200));
    return link ? `[${shown}](${link})` : shown;
  };
  return {
    username: 'fanpulse',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: cut(message.subject, 256),
        description: cut(escapeMarkdown(message.heading), 4096),
        color: 0x3498db,
        fields: [
          ...message.fields.map((f) => ({ name: f.name, value: cut(f.value, 1024), inline: f.name !== 'Sentiment' && f.name !== 'Compared with' })),
          ...message.sections.map((section) => ({
            name: section.title,
            value: cut(section.lines.length === 0 ? section.empty : section.lines.map((l, i) => `${i + 1}. ${line(l.text, l.link)}`).join('\n'), 1024),
            inline: false,
          })),
        ],
        timestamp: digest.createdAt,
        footer: { text: cut(message.footer, 2048) },
      },
    ],
  };
}

export function createDiscordChannel(options: ChannelOptions): AlertChannel {
  const post = (url: string, json: unknown) =>
    postToChannel(options.fetcher, { url, json, accept: 'application/json' }, {
      channel: options.name,
      redactedUrl: redact(url),
      retryAfterFromBody: (body) => secondsFromJson(body, rateLimited, (b) => b.retry_after),
    });
  return defineChannel(options, 'the Discord webhook URL (Server Settings → Integrations → Webhooks → Copy Webhook URL)', {
    alert: async (url, alert) => void (await post(url, discordPayload(alert))),
    digest: async (url, digest) => void (await post(url, discordDigestPayload(digest))),
  });
}
