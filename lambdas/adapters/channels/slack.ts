// Slack: an app's incoming webhook (POST https://hooks.slack.com/services/T…/B…/…) with blocks and
// a `text` fallback for notifications. Slack answers 200 "ok"; errors are plain text: 400
// invalid_payload, 403 action_prohibited, 404 no_service / channel_not_found (webhook revoked or its
// channel deleted), 410 channel_is_archived; 429 with a Retry-After header in seconds.
// Block limits: header text 150, section text 3000, 50 blocks.

import { describeAlert, formatAlertMessage, postMarks, type AlertMessageContext } from '../../core/alert-message.ts';
import type { AlertChannel } from '../../core/ports.ts';
import type { SpikeAlert } from '../../core/types.ts';
import { cut, defineChannel, postToChannel, redact, type ChannelOptions } from './post.ts';

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

export function createSlackChannel(options: ChannelOptions): AlertChannel {
  return defineChannel(options, 'the Slack incoming webhook URL (your Slack app → Incoming Webhooks → Add New Webhook)', async (url, alert) => {
    // Retry-After is a header here; the fetcher reads it into the error.
    await postToChannel(options.fetcher, { url, json: slackPayload(alert, options.message), accept: 'text/plain' }, { channel: options.name, redactedUrl: redact(url), goneStatuses: [404, 410] });
  });
}
