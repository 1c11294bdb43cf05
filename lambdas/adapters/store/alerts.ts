// The alert state machine: a claim per topic and kind with its cooldown (one pass wins a spike), a
// delivery lease (one pass sends it), then "sent"; and the alert history by window.

import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../core/ports.ts';
import type { SpikeAlert } from '../../core/types.ts';
import { justBefore, sendConditional, type Item, type TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

type AlertStore = Pick<Store, 'claimAlert' | 'pendingAlerts' | 'leaseAlert' | 'markAlertSent' | 'listAlerts'>;

const toAlert = (item: Item): SpikeAlert => item.alert as SpikeAlert;
const historyItem = (alert: SpikeAlert): Item => ({ ...keys.alertHistory(alert.windowStart, alert.id), alert });

export function alertStates({ client, tableName, send, queryAll }: TableClient): AlertStore {
  async function recordAlert(alert: SpikeAlert): Promise<void> {
    // Already recorded (a repair after a crash, or a pass that recorded it first): nothing to add.
    await sendConditional(send, 'alert record', () =>
      client.send(new PutCommand({ TableName: tableName, Item: historyItem(alert), ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  }

  return {
    async claimAlert(alert, cooldownUntil) {
      const claimed = await sendConditional(send, 'alert claim', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.alertState(alert.topic, alert.kind), alertId: alert.id, cooldownUntil, status: 'pending', alert },
            // Only one pass wins a spike; a pending (undelivered) alert is never overwritten.
            ConditionExpression: 'attribute_not_exists(pk) OR (cooldownUntil <= :now AND #st = :sent)',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':now': alert.detectedAt, ':sent': 'sent' },
          }),
        ),
      );
      if (claimed === null) return false;
      await recordAlert(alert);
      return true;
    },

    async pendingAlerts() {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#st = :pending',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':pk': keys.alertStatePartition, ':pending': 'pending' },
      });
      const alerts = items.map(toAlert).sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
      // A crash between the claim and the history write is repaired here, before delivery.
      for (const alert of alerts) await recordAlert(alert);
      return alerts;
    },

    async leaseAlert(alert, now, leaseUntil) {
      const leased = await sendConditional(send, 'alert lease', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.alertState(alert.topic, alert.kind),
            UpdateExpression: 'SET leaseUntil = :until',
            ConditionExpression: 'alertId = :id AND #st = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':until': leaseUntil, ':id': alert.id, ':pending': 'pending', ':now': now },
          }),
        ),
      );
      return leased !== null;
    },

    async markAlertSent(alert, sentAt) {
      const sent: SpikeAlert = { ...alert, status: 'sent', sentAt };
      await send('alert update', () => client.send(new PutCommand({ TableName: tableName, Item: historyItem(sent) })));
      await send('alert update', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.alertState(alert.topic, alert.kind),
            UpdateExpression: 'SET #st = :sent, alert = :alert',
            ConditionExpression: 'alertId = :id',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':alert': sent, ':id': alert.id },
          }),
        ),
      );
    },

    async listAlerts(since, until) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': keys.alertHistoryPartition, ':since': since, ':until': `${justBefore(until)}~` },
      });
      return items.map(toAlert);
    },
  };
}
