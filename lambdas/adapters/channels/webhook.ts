// A generic webhook: the alert as JSON, POSTed to the configured URL and signed with the secret
// (secretEnv): X-Fanpulse-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>, as GitHub
// signs its webhooks. Any 2xx accepts; 410 Gone retires the channel; a 429's Retry-After is honoured.

import { createHmac } from 'node:crypto';
import { type AlertMessageContext, describeAlert, formatAlertMessage } from '../../core/alert-message.ts';
import { formatDigestText } from '../../core/digest-message.ts';
import type { AlertChannel } from '../../core/ports.ts';
import type { Digest, SpikeAlert } from '../../core/types.ts';
import { defineChannel, postToChannel, redact, type ChannelOptions } from './post.ts';

export const SIGNATURE_HEADER = 'X-Fanpulse-Signature';

/**
 * Version 1: `subject` and `text` are the e-mail's; `headline`, `sentiment`, `tone` ("push",
 * "backlash", "neutral", "mixed", "unknown"), `when` and `link` (the dashboard, or null) are its
 * parts for receivers that lay it out themselves; `alert` holds every number.
 */
export function webhookPayload(alert: SpikeAlert, context: AlertMessageContext): unknown {
  const { subject, body } = formatAlertMessage(alert, context);
  const { headline, sentiment, tone, when, link } = describeAlert(alert, context);
  return { type: 'alert', version: 1, subject, headline, sentiment, tone, when, link, text: body, alert };
}

export const signature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** The digest: the same envelope with `type: "digest"` and the digest's data. */
export function webhookDigestPayload(digest: Digest): unknown {
  const { subject, body } = formatDigestText(digest);
  return { type: 'digest', version: 1, subject, text: body, digest };
}

export function createWebhookChannel(options: ChannelOptions & { url: string }): AlertChannel {
  const post = async (key: string, json: unknown) => {
    // The fetcher sends JSON.stringify(json): the same bytes signed here.
    await postToChannel(
      options.fetcher,
      { url: options.url, json, accept: 'application/json', headers: { [SIGNATURE_HEADER]: signature(key, JSON.stringify(json)) } },
      { channel: options.name, redactedUrl: redact(options.url), goneStatuses: [410] },
    );
  };
  return defineChannel(options, 'the shared secret the receiver verifies signatures with', {
    alert: (key, alert) => post(key, webhookPayload(alert, options.message)),
    digest: (key, digest) => post(key, webhookDigestPayload(digest)),
  });
}
