// Slack: an app's incoming webhook (POST https://hooks.slack.com/services/T…/B…/…) with blocks and
// a `text` fallback for notifications. Slack answers 200 "ok"; errors are plain text: 400
// invalid_payload, 403 action_prohibited, 404 no_service / channel_not_found (webhook revoked or its
// channel deleted), 410 channel_is_archived; 429 with a Retry-After header in seconds.
// Block limits: header text 150, section text 3000, 50 blocks.

import { type AlertMessageContext, describeAlert, formatAlertMessage, postMarks } from '../../core/alert-message.ts';
import type { AlertChannel } from '../../core/ports.ts';
import type { Digest, SpikeAlert } from '../../core/types.ts';
import { type ChannelOptions, cut, defineChannel, postToChannel, redact } from './post.ts';
import { digestMessage } from '../../core/digest-message.ts';

/** Slack's mrkdwn control characters: &, < and > must be escaped, the rest may stay. */
const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const mrkdwn = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: cut(text, 3000) } });

export function slackPayload(alert: SpikeAlert, context: AlertMessageContext): unknown {
  const content = describeAlert(alert, context);
  const posts = content.posts.map((post, i) => {
    // "|" ends a link's text in Slack's <url|text>.
    const title = escapeMrkdwn(cut(post.title, 200)).replace(/\|/g, '¦');
    return `${i + 1}. ${post.link ? `<${post.link}|${title}>` : title} (${escapeMrkdwn(postMarks(post))})`;
  });
  return {
    text: formatAlertMessage(alert, context).subject,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(content.title, 150) } },
      mrkdwn(`${escapeMrkdwn(content.headline)}\n${escapeMrkdwn(content.sentiment)}`),
      mrkdwn(`*When*\n${escapeMrkdwn(content.when)}`),
      mrkdwn(posts.length > 0 ? `*Top posts*\n${posts.join('\n')}` : 'No posts were kept for this window.'),
      content.link
        ? mrkdwn(`<${content.link}|Open this spike on the dashboard>`)
        : mrkdwn(`*Look further*\n\`\`\`${escapeMrkdwn(content.commands.join('\n'))}\`\`\``),
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(content.footer) }] },
    ],
  };
}

/** The digest as blocks: a header, the numbers as fields, one section per part (top posts, alerts, sources). */
export function slackDigestPayload(digest: Digest): unknown {
  const message = digestMessage(digest);
  const line = (text: string, link: string | undefined) => {
    const shown = escapeMrkdwn(cut(text.replace(/\s+/g, ' ').trim(), 200));
    return link ? `<${link}|${shown.replace(/\|/g, '¦')}>` : shown;
  };
  return {
    text: message.subject,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(message.subject, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: cut(escapeMrkdwn(message.heading), 3000) } },
      { type: 'section', fields: message.fields.map((f) => ({ type: 'mrkdwn', text: cut(`*${f.name}*\n${escapeMrkdwn(f.value)}`, 2000) })) },
      ...message.sections.map((section) => ({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: cut(`*${section.title}*\n${section.lines.length === 0 ? section.empty : section.lines.map((l, i) => `${i + 1}. ${line(l.text, l.link)}`).join('\n')}`, 3000),
        },
      })),
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(message.footer) }] },
    ],
  };
}

export function createSlackChannel(options: ChannelOptions): AlertChannel {
  // Retry-After is a header here; the fetcher reads it into the error.
  const post = (url: string, json: unknown) =>
    postToChannel(options.fetcher, { url, json, accept: 'text/plain' }, { channel: options.name, redactedUrl: redact(url), goneStatuses: [404, 410] });
  return defineChannel(options, 'the Slack incoming webhook URL (your Slack app → Incoming Webhooks → Add New Webhook)', {
    alert: async (url, alert) => void (await post(url, slackPayload(alert, options.message))),
    digest: async (url, digest) => void (await post(url, slackDigestPayload(digest))),
  });
}
