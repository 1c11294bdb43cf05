// A store connection for the commands that keep running (the poll loop, `serve`). When it joined an
// embedded store that another fanpulse process serves and that process ends, the next request fails:
// it then takes the store over (serves it itself) and runs the work again, once.

import { StoreError } from '../core/errors.ts';
import type { Store } from '../core/ports.ts';
import { openStore, type CommonOptions } from './context.ts';
import type { StoreConnection } from './store-connection.ts';

export interface LastingStore {
  /** The store, each call taking the store over once when its server went away. */
  store: Store;
  where(): string;
  close(): Promise<void>;
}

export async function openLastingStore(options: CommonOptions, onTakeOver: (where: string) => void): Promise<LastingStore> {
  let connection: StoreConnection = await openStore(options);
  let takingOver: Promise<StoreConnection> | null = null;

  async function takeOver(lost: StoreConnection): Promise<StoreConnection> {
    // Concurrent requests that fail together reconnect once.
    takingOver ??= (async () => {
      await lost.close();
      connection = await openStore(options);
      onTakeOver(connection.where);
      return connection;
    })().finally(() => (takingOver = null));
    return takingOver;
  }

  async function run<T>(work: (store: Store) => Promise<T>): Promise<T> {
    const used = connection;
    try {
      return await work(used.store);
    } catch (error) {
      if (!(error instanceof StoreError) || used.owner) throw error;
      const replaced = used === connection ? await takeOver(used) : connection;
      return work(replaced.store);
    }
  }

  // Every Store method, through `run`: the store is idempotent, so a call made again is safe.
  const store = new Proxy({} as Store, {
    get: (_, method: keyof Store) => (...args: unknown[]) => run((current) => (current[method] as (...a: unknown[]) => Promise<unknown>)(...args)),
  });

  return { store, where: () => connection.where, close: () => connection.close() };
}
