// Telegram: Bot API sendMessage (POST https://api.telegram.org/bot<token>/sendMessage) with
// parse_mode HTML. Answers are {"ok":true,"result":Message} or {"ok":false,"error_code",
// "description","parameters"?}; a 429 carries parameters.retry_after (seconds). 401/404: the token is
// wrong or revoked; 403: the bot was blocked or removed from the chat: the channel is gone.
// HTML mode needs only &, < and > escaped in text; a message is at most 4096 characters.

import { z } from 'zod';
import { type AlertMessageContext, describeAlert, postMarks } from '../../core/alert-message.ts';
import { AlertDeliveryError } from '../../core/errors.ts';
import type { AlertChannel } from '../../core/ports.ts';
import type { Digest, SpikeAlert } from '../../core/types.ts';
import { type ChannelOptions, cut, defineChannel, postToChannel, secondsFromJson } from './post.ts';
import { digestMessage } from '../../core/digest-message.ts';

const TELEGRAM_API = 'https://api.telegram.org';
const MESSAGE_MAX = 4096;

const rateLimited = z.object({ parameters: z.object({ retry_after: z.number().nonnegative() }) });
const accepted = z.object({ ok: z.literal(true) });

export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => escapeHtml(text).replace(/"/g, '&quot;');

export function telegramText(alert: SpikeAlert, context: AlertMessageContext): string {
  const content = describeAlert(alert, context);
  const head = [`<b>${escapeHtml(content.title)}</b>`, escapeHtml(content.headline), escapeHtml(content.sentiment), '', `When: ${escapeHtml(content.when)}`];
  const posts = content.posts.map((post, i) => {
    const title = escapeHtml(cut(post.title, 200));
    return `${i + 1}. ${post.link ? `<a href="${escapeAttribute(post.link)}">${title}</a>` : title} (${escapeHtml(postMarks(post))})`;
  });
  const further = content.link
    ? [`<a href="${escapeAttribute(content.link)}">Open this spike on the dashboard</a>`]
    : ['<b>Look further</b>', ...content.commands.map((command) => `<code>${escapeHtml(command)}</code>`)];
  const footer = `<i>${escapeHtml(content.footer)}</i>`;
  const text = [...head, ...(posts.length > 0 ? ['', '<b>Top posts</b>', ...posts] : []), '', ...further, '', footer].join('\n');
  // Cutting HTML could split a tag; past the limit, the top posts give way to the headline.
  return text.length <= MESSAGE_MAX ? text : [...head, '', ...further, '', footer].join('\n');
}

/** The digest as HTML: the heading, the numbers, then each part's lines (links on the post titles). */
export function telegramDigestText(digest: Digest): string {
  const message = digestMessage(digest);
  const head = [`<b>${escapeHtml(message.subject)}</b>`, escapeHtml(message.heading), '', ...message.fields.map((f) => `${escapeHtml(f.name)}: ${escapeHtml(f.value)}`)];
  const lines = [...head];
  for (const section of message.sections) {
    lines.push('', `<b>${escapeHtml(section.title)}</b>`);
    if (section.lines.length === 0) lines.push(escapeHtml(section.empty));
    section.lines.forEach((line, i) => {
      const text = escapeHtml(cut(line.text.replace(/\s+/g, ' ').trim(), 200));
      lines.push(line.link ? `${i + 1}. <a href="${escapeAttribute(line.link)}">${text}</a>` : `${i + 1}. ${text}`);
    });
  }
  lines.push('', `<i>${escapeHtml(message.footer)}</i>`);
  const text = lines.join('\n');
  // Cutting HTML could split a tag; past the limit, the numbers alone.
  return text.length <= MESSAGE_MAX ? text : head.join('\n');
}

export function createTelegramChannel(options: ChannelOptions & { chatId: number | string; baseUrl?: string | undefined }): AlertChannel {
  const base = (options.baseUrl ?? TELEGRAM_API).replace(/\/$/, '');
  const sendMessage = async (token: string, text: string) => {
    const body = await postToChannel(
      options.fetcher,
      {
        url: `${base}/bot${token}/sendMessage`,
        json: { chat_id: options.chatId, text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } },
        accept: 'application/json',
      },
      {
        channel: options.name,
        redactedUrl: `${base}/bot…/sendMessage`,
        retryAfterFromBody: (answer) => secondsFromJson(answer, rateLimited, (b) => b.parameters.retry_after),
        goneStatuses: [401, 403, 404],
      },
    );
    if (!accepted.safeParse(safeJson(body)).success) throw new AlertDeliveryError(`channel ${options.name}: Telegram did not confirm the message (no "ok": true)`);
  };
  return defineChannel(options, 'the bot token from @BotFather', {
    alert: (token, alert) => sendMessage(token, telegramText(alert, options.message)),
    digest: (token, digest) => sendMessage(token, telegramDigestText(digest)),
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
