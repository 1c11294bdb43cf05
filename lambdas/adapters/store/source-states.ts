// What the store remembers of each source between passes (validators, cursor, health), and the login
// sessions sources share.

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../core/ports.ts';
import { withStateDefaults } from '../../core/source-health.ts';
import type { SourceState } from '../../core/types.ts';
import type { TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

type SourceStateStore = Pick<Store, 'getSourceStates' | 'putSourceState' | 'getSession' | 'putSession'>;

export function sourceStates({ client, tableName, send, batchGet }: TableClient): SourceStateStore {
  return {
    async getSourceStates(sourceIds) {
      const items = await batchGet(sourceIds.map(keys.source), 'sk, #s', { '#s': 'state' });
      return new Map(items.map((item) => [String(item.sk), withStateDefaults(item.state as SourceState)]));
    },

    async putSourceState(state) {
      await send('source update', () => client.send(new PutCommand({ TableName: tableName, Item: { ...keys.source(state.sourceId), state } })));
    },

    async getSession(key) {
      const [item] = await batchGet([keys.session(key)]);
      return typeof item?.value === 'string' ? item.value : null;
    },

    async putSession(key, value) {
      await send('session update', () => client.send(new PutCommand({ TableName: tableName, Item: { ...keys.session(key), value } })));
    },
  };
}
