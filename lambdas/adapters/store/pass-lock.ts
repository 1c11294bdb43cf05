// The pass lock: one pass at a time, with a lease so a pass that died releases it by running out.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../core/ports.ts';
import type { TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

export function passLock({ client, tableName, send, batchGet }: TableClient): Pick<Store, 'acquirePassLock' | 'releasePassLock' | 'renewPassLock'> {
  return {
    async acquirePassLock(holder, now, until, { process, replacing } = {}) {
      try {
        await send('pass lock', () =>
          client.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...keys.passLock, holder, until, ...(process ? { host: process.host, pid: process.pid } : {}) },
              ConditionExpression: `attribute_not_exists(pk) OR #until <= :now OR holder = :holder${replacing ? ' OR holder = :replacing' : ''}`,
              ExpressionAttributeNames: { '#until': 'until' },
              ExpressionAttributeValues: { ':now': now, ':holder': holder, ...(replacing ? { ':replacing': replacing } : {}) },
            }),
          ),
        );
        return { acquired: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const [lock] = await batchGet([keys.passLock]);
        const held = typeof lock?.host === 'string' && typeof lock.pid === 'number' ? { process: { host: lock.host, pid: lock.pid } } : {};
        return { acquired: false, heldUntil: String(lock?.until ?? until), heldBy: String(lock?.holder ?? ''), ...held };
      }
    },

    async renewPassLock(holder, until) {
      try {
        await send('pass lock', () =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keys.passLock,
              UpdateExpression: 'SET #until = :until',
              // Only while the pass still holds it: never revives a lock released or taken over.
              ConditionExpression: 'holder = :holder',
              ExpressionAttributeNames: { '#until': 'until' },
              ExpressionAttributeValues: { ':holder': holder, ':until': until },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async releasePassLock(holder) {
      try {
        await send('pass lock', () =>
          client.send(
            new DeleteCommand({
              TableName: tableName,
              Key: keys.passLock,
              ConditionExpression: 'holder = :holder',
              ExpressionAttributeValues: { ':holder': holder },
            }),
          ),
        );
      } catch (error) {
        // Someone else's lock now (ours ran out): not ours to release.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
