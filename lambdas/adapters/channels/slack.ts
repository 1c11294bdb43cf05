// Slack: an app's incoming webhook (POST https://hooks.slack.com/services/T…/B…/…) with blocks and
// a `text` fallback for notifications. Slack answers 200 "ok"; errors are plain text: 400
// invalid_payload, 403 action_prohibited, 404 no_service / channel_not_found (webhook revoked or its
// channel deleted), 410 channel_is_archived; 429 with a Retry-After header in seconds.
// Block limits: header text 150, section text 3000, 50 blocks.

import { formatAlertMessage } from '../../core/alert-message.ts';
import type { AlertChannel } from '../../core/ports.ts';
import type { SpikeAlert } from '../../core/types.ts';
import { defineChannel, postToChannel, redact, type ChannelOptions } from './post.ts';

/** Slack's mrkdwn control characters: &, < and > must be escaped, the rest may stay. */
const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function slackPayload(alert: SpikeAlert): unknown {
  const { subject } = formatAlertMessage(alert);
  const posts = alert.topPosts.map((post, i) => {
    const title = escapeMrkdwn(cut(post.title.replace(/\s+/g, ' ').trim() || '(untitled)', 200)).replace(/\|/g, '¦');
    return post.link ? `${i + 1}. <${post.link}|${title}>` : `${i + 1}. ${title}`;
  });
  return {
    text: subject,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(subject, 150) } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Mentions*\n${alert.count}` },
          { type: 'mrkdwn', text: `*Usual*\n${alert.baseline.toFixed(1)}` },
          { type: 'mrkdwn', text: `*Sentiment*\n${alert.positive} positive, ${alert.negative} negative, ${alert.neutral} neutral` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: cut(posts.length > 0 ? `*Top posts*\n${posts.join('\n')}` : 'No posts were kept for this window.', 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`fanpulse alert ${alert.id}`) }] },
    ],
  };
}

export function createSlackChannel(options: ChannelOptions): AlertChannel {
  return defineChannel(options, 'the Slack incoming webhook URL (your Slack app → Incoming Webhooks → Add New Webhook)', async (url, alert) => {
    // Retry-After is a header here; the fetcher reads it into the error.
    await postToChannel(options.fetcher, { url, json: slackPayload(alert), accept: 'text/plain' }, { channel: options.name, redactedUrl: redact(url), goneStatuses: [404, 410] });
  });
}
