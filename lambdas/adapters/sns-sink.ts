// AlertSink for AWS: one SNS Publish per alert or digest, e-mailed by the topic's subscriptions.

import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

import { formatAlertMessage, type AlertMessageContext } from '../core/alert-message.ts';
import { formatDigestText } from '../core/digest-message.ts';
import { AlertDeliveryError } from '../core/errors.ts';
import type { AlertSink } from '../core/ports.ts';
import type { Digest, SpikeAlert } from '../core/types.ts';

export interface SnsSinkOptions {
  client: SNSClient;
  topicArn: string;
  /** The campaign's time zone, the dashboard's address when it is public (each e-mail links the alert's view), the store. */
  message?: AlertMessageContext;
}

export function createSnsSink({ client, topicArn, message }: SnsSinkOptions): AlertSink {
  async function publish(what: string, text: { subject: string; body: string }, attributes: { topic: string; kind: string }): Promise<void> {
    let messageId: string | undefined;
    try {
      const result = await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: text.subject,
          Message: text.body,
          // Attributes, not the body, are what subscription filter policies match on, so an
          // organiser can route one topic's (or one kind's, "digest" among them) to their own address.
          MessageAttributes: {
            topic: { DataType: 'String', StringValue: attributes.topic },
            kind: { DataType: 'String', StringValue: attributes.kind },
          },
        }),
      );
      messageId = result.MessageId;
    } catch (error) {
      throw new AlertDeliveryError(`SNS did not accept ${what} for topic ${attributes.topic} (${topicArn}): ${describe(error)}`, { cause: error });
    }
    // Only a MessageId means SNS took responsibility; anything less leaves it pending.
    if (!messageId) {
      throw new AlertDeliveryError(`SNS returned no MessageId for ${what} (${topicArn}); it was not confirmed as accepted`);
    }
  }
  return {
    send: (alert: SpikeAlert) => publish(`alert ${alert.id}`, formatAlertMessage(alert, message), alert),
    sendDigest: (digest: Digest) => publish(`digest ${digest.id}`, formatDigestText(digest), { topic: digest.topic, kind: 'digest' }),
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const name = error.name !== 'Error' ? error.name : typeof code === 'string' ? code : 'Error';
    return error.message ? `${name}: ${error.message}` : name;
  }
  return String(error);
}
