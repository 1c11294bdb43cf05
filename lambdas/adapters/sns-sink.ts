// AlertSink for AWS: one SNS Publish per alert, e-mailed by the topic's subscriptions.

import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

import { formatAlertMessage, type AlertMessageContext } from '../core/alert-message.ts';
import { AlertDeliveryError } from '../core/errors.ts';
import type { AlertSink } from '../core/ports.ts';
import type { SpikeAlert } from '../core/types.ts';

export interface SnsSinkOptions {
  client: SNSClient;
  topicArn: string;
  /** The campaign's time zone, the dashboard's address when it is public (each e-mail links the alert's view), the store. */
  message?: AlertMessageContext;
}

export function createSnsSink({ client, topicArn, message }: SnsSinkOptions): AlertSink {
  return {
    async send(alert: SpikeAlert): Promise<void> {
      const { subject, body } = formatAlertMessage(alert, message);
      let messageId: string | undefined;
      try {
        const result = await client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: subject,
            Message: body,
            // Attributes, not the body, are what subscription filter policies match on, so an
            // organiser can route one topic's (or one kind's) alerts to their own address.
            MessageAttributes: {
              topic: { DataType: 'String', StringValue: alert.topic },
              kind: { DataType: 'String', StringValue: alert.kind },
            },
          }),
        );
        messageId = result.MessageId;
      } catch (error) {
        throw new AlertDeliveryError(
          `SNS did not accept alert ${alert.id} for topic ${alert.topic} (${topicArn}): ${describe(error)}`,
          { cause: error },
        );
      }
      // Only a MessageId means SNS took responsibility; anything less leaves the alert pending.
      if (!messageId) {
        throw new AlertDeliveryError(
          `SNS returned no MessageId for alert ${alert.id} (${topicArn}); it was not confirmed as accepted`,
        );
      }
    },
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
