// The store-wide change counter an exact read cache relies on (lambdas/http/answer-cache.ts).
//
// Every write of the data a cached answer reads goes through `announcingWrites`: before it runs, a
// write window is opened on one item (ADD `begun` 1, SET `open:<window>` = when), and when the last
// write in flight has landed, the window is closed (REMOVE `open:<window>`). A reader that finds no
// open window and `begun` = n knows that nothing was being written as it looked, and that whatever
// is written later opens a window first, so n changes: an answer read after seeing n stays exact
// for as long as `begun` reads n. A window whose writer died stays open; after OPEN_WINDOW_MS its
// writes have long landed (or failed), so it no longer counts: until then readers read afresh.
// Only a write that is made opens a window: a pass with nothing to write adds no request.

import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeMark } from '../../core/ports.ts';
import type { Item, TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

/** Longer than any one write can take (SDK retries, a Lambda's 15 minutes): an older open window is a dead writer's. */
export const OPEN_WINDOW_MS = 60 * 60_000;

const OPEN_PREFIX = 'open:';

/** The same table client, whose writes (`send`) are announced on the change counter first. */
export function announcingWrites(table: TableClient): TableClient {
  const { client, tableName } = table;
  // The window the writes in flight share; a write that starts while one is open joins it.
  interface Window {
    opened: Promise<unknown>;
    name: string;
    writes: number;
  }
  let window: Window | null = null;

  const update = (what: string, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>) =>
    table.send(what, () => client.send(new UpdateCommand({ TableName: tableName, Key: keys.changes, ...input })));

  function join(): Window {
    let joined = window;
    if (!joined) {
      const name = `${OPEN_PREFIX}${randomUUID()}`;
      const opened = update('change window', {
        UpdateExpression: 'ADD begun :one SET #w = :at',
        ExpressionAttributeNames: { '#w': name },
        ExpressionAttributeValues: { ':one': 1, ':at': Date.now() },
      });
      joined = window = { opened, name, writes: 0 };
    }
    joined.writes++;
    return joined;
  }

  /** The last write of a window out closes it; a window that never opened has nothing to close. */
  async function leave(joined: Window): Promise<void> {
    joined.writes--;
    if (joined.writes > 0) return;
    if (window === joined) window = null;
    try {
      await joined.opened;
    } catch {
      return;
    }
    await update('change window', { UpdateExpression: 'REMOVE #w', ExpressionAttributeNames: { '#w': joined.name } });
  }

  return {
    ...table,
    async send(what, run) {
      const joined = join();
      let result: Awaited<ReturnType<typeof run>>;
      try {
        await joined.opened;
        result = await table.send(what, run);
      } catch (error) {
        // The write's failure is the one to report; a window left open only makes readers read afresh.
        await leave(joined).catch(() => {});
        throw error;
      }
      // A window that cannot be closed fails the write's caller like any store failure: its re-run is idempotent.
      await leave(joined);
      return result;
    },
  };
}

/** Where the counter stands now: one strongly consistent read (BatchGetItem, the read the query function may make). */
export async function readChangeMark({ batchGet }: TableClient, now: Date): Promise<ChangeMark> {
  const [item] = await batchGet([keys.changes]);
  return changeMark(item, now);
}

export function changeMark(item: Item | undefined, now: Date): ChangeMark {
  const writing = Object.entries(item ?? {}).some(([name, at]) => name.startsWith(OPEN_PREFIX) && now.getTime() - Number(at) < OPEN_WINDOW_MS);
  return { count: Number(item?.begun ?? 0), writing };
}
