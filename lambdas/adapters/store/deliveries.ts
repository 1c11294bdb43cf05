// Per-channel delivery records: which channel has accepted which alert, which is waiting for its
// 429 to pass, and which channels are dead. Plain puts: the alert's delivery lease (alerts.ts)
// already makes one pass at a time deliver an alert, so these need no conditions of their own.

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../core/ports.ts';
import type { ChannelDelivery, DeadChannel } from '../../core/types.ts';
import type { TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

type DeliveryStore = Pick<Store, 'channelDeliveries' | 'putChannelDelivery' | 'deadChannels' | 'markChannelDead'>;

export function channelDeliveries({ client, tableName, send, queryAll }: TableClient): DeliveryStore {
  return {
    async channelDeliveries(alertId) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.deliveryPartition(alertId) },
      });
      return new Map(items.map((item) => [item.sk as string, item.delivery as ChannelDelivery]));
    },

    async putChannelDelivery(alertId, delivery) {
      await send('channel delivery', () =>
        client.send(new PutCommand({ TableName: tableName, Item: { ...keys.delivery(alertId, delivery.channel), delivery } })),
      );
    },

    async deadChannels() {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.deadChannelPartition },
      });
      return new Map(items.map((item) => [item.sk as string, item.dead as DeadChannel]));
    },

    async markChannelDead(dead) {
      await send('dead channel', () => client.send(new PutCommand({ TableName: tableName, Item: { ...keys.deadChannel(dead.channel), dead } })));
    },
  };
}
