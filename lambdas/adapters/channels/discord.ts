// Discord: Execute Webhook (POST https://discord.com/api/webhooks/{id}/{token}) with one embed.
// Without ?wait=true Discord answers 204 No Content; 404 {"message":"Unknown Webhook","code":10015}
// once the webhook is deleted; 429 {"message":…,"retry_after":seconds,"global":bool}.
// Embed limits (Discord's "Embed Limits"): title 256, description 4096, field name 256, value 1024,
// footer 2048, 6000 across the message.

import { z } from 'zod';
import { type AlertContent, type AlertMessageContext, describeAlert, postMarks } from '../../core/alert-message.ts';
import type { AlertChannel } from '../../core/ports.ts';
import type { Digest, SpikeAlert } from '../../core/types.ts';
import { type ChannelOptions, cut, defineChannel, postToChannel, redact, secondsFromJson } from './post.ts';
import { digestMessage } from '../../core/digest-message.ts';

const rateLimited = z.object({ retry_after: z.number().nonnegative() });

/** Discord's markdown, so a post title shows as written (and cannot forge a link). */
const escapeMarkdown = (text: string) => text.replace(/[\\*_~`|[\]()<>#>-]/g, (c) => `\\${c}`);

/** The embed's side bar: red for a backlash, green for a push, amber otherwise. */
const TONE_COLOURS: Record<AlertContent['tone'], number> = { backlash: 0xe74c3c, push: 0x2ecc71, neutral: 0xe67e22, mixed: 0xe67e22, unknown: 0xe67e22 };

export function discordPayload(alert: SpikeAlert, context: AlertMessageContext): unknown {
  const content = describeAlert(alert, context);
  const posts = content.posts.map((post, i) => {
    const title = escapeMarkdown(cut(post.title, 200));
    return `${i + 1}. ${post.link ? `[${title}](${post.link})` : title} (${escapeMarkdown(postMarks(post))})`;
  });
  const description = [
    content.headline,
    content.sentiment,
    '',
    ...(posts.length > 0 ? ['**Top posts**', ...posts] : ['No posts were kept for this window.']),
  ].join('\n');
  return {
    username: 'fanpulse',
    // No @everyone or role pings from a post title.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: cut(content.title, 256),
        ...(content.link ? { url: content.link } : {}),
        description: cut(description, 4096),
        color: TONE_COLOURS[content.tone],
        fields: [
          { name: 'When', value: cut(content.when, 1024), inline: false },
          ...(content.commands.length > 0 ? [{ name: 'Look further', value: cut(`\`\`\`\n${content.commands.join('\n')}\n\`\`\``, 1024), inline: false }] : []),
        ],
        timestamp: alert.detectedAt,
        footer: { text: cut(content.footer, 2048) },
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
    alert: async (url, alert) => void (await post(url, discordPayload(alert, options.message))),
    digest: async (url, digest) => void (await post(url, discordDigestPayload(digest))),
  });
}
