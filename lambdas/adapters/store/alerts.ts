// The alert state machine: a claim per topic and kind with its cooldown (one pass wins a spike), a
// delivery lease (one pass sends it), then "sent"; and the alert history by window.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../core/ports.ts';
import type { SpikeAlert } from '../../core/types.ts';
import { justBefore, type Item, type TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

type AlertStore = Pick<Store, 'claimAlert' | 'pendingAlerts' | 'leaseAlert' | 'markAlertSent' | 'listAlerts'>;

const toAlert = (item: Item): SpikeAlert => item.alert as SpikeAlert;
const historyItem = (alert: SpikeAlert): Item => ({ ...keys.alertHistory(alert.windowStart, alert.id), alert });

export function alertStates({ client, tableName, send, queryAll }: TableClient): AlertStore {
  async function recordAlert(alert: SpikeAlert): Promise<void> {
    try {
      await send('alert record', () =>
        client.send(new PutCommand({ TableName: tableName, Item: historyItem(alert), ConditionExpression: 'attribute_not_exists(pk)' })),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  return {
    async claimAlert(alert, cooldownUntil) {
      try {
        await send('alert claim', () =>
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
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
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
      try {
        await send('alert lease', () =>
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
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
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
