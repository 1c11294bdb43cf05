// What every command needs: the config, the clock, and the store, resolved from the flags once.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { looksLikeDate, parseGivenTime } from '../core/dates.ts';
import { UsageError } from '../core/errors.ts';
import type { PassLog } from '../core/pipeline.ts';
import type { Store } from '../core/ports.ts';
import type { StoreConnection } from './store-connection.ts';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHIPPED_CONFIG = join(PACKAGE_ROOT, 'fanpulse.config.json');

export interface CommonOptions {
  config?: string;
  dataDir?: string;
  now?: string;
}

/** --config, else ./fanpulse.config.json, else the shipped Bosch: Legacy config. */
export function configPath(flag: string | undefined): string {
  if (flag) return resolve(flag);
  const local = resolve('fanpulse.config.json');
  return existsSync(local) ? local : SHIPPED_CONFIG;
}

export const readConfig = (options: CommonOptions): Promise<Config> => loadConfig(configPath(options.config));

/** Where a pass or a recount says what it does: stderr, so stdout stays the command's output. */
export const cliLog: PassLog = {
  info: (message) => console.error(`fanpulse: ${message}`),
  warn: (message) => console.error(`fanpulse: warning: ${message}`),
};

export const dataDir = (options: CommonOptions) => resolve(options.dataDir ?? '.fanpulse');

export function clock(options: CommonOptions): Date {
  if (options.now === undefined) return new Date();
  const ms = parseGivenTime(options.now);
  if (ms === null) {
    throw new UsageError(
      looksLikeDate(options.now)
        ? `--now "${options.now}" is not a date and time on the calendar (check the day of the month and the hour)`
        : `--now must be an ISO-8601 time like 2026-11-20T10:00:00Z (UTC when it names no zone), not "${options.now}"`,
    );
  }
  return new Date(ms);
}

/** The store's code (the AWS SDK, dynalite) loads only here: `inspect`, `score` and `detect` never pay for it. */
export async function openStore(options: CommonOptions): Promise<StoreConnection> {
  const { connectStore } = await import('./store-connection.ts');
  return connectStore(readEnv(), dataDir(options));
}

/** Opens the store for the duration of `work`, always closing it. */
export async function withStore<T>(options: CommonOptions, work: (store: Store, connection: StoreConnection) => Promise<T>): Promise<T> {
  const connection = await openStore(options);
  try {
    return await work(connection.store, connection);
  } finally {
    await connection.close();
  }
}
