// The embedded store for laptops: dynalite on 127.0.0.1, persisted under the data dir.
//
// Two dynalite instances on one LevelDB directory crash the process, so exactly one process
// serves a data dir: it records its endpoint in `server.json`; any other fanpulse process
// (e.g. `trends` while `npm start` polls) finds that file and talks to the same server.
//
// Closing must not pull the server from under a process that joined it, however the two are timed.
// A joiner writes `clients/<pid>-<n>` before it reads `server.json`, and removes it when done; the
// owner removes `server.json` before it looks at `clients/`. So a joiner that found the record is
// registered by the time the owner looks, and the owner serves until it is gone (or dead); one that
// comes later finds no record and waits on `server.lock` to serve the data dir itself.

import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { StoreError } from '../core/errors.ts';
import { listenOnLoopback, type LoopbackServer } from './loopback-server.ts';

export interface LocalDynamo {
  endpoint: string;
  /** True when this process started the server (and must keep running to serve others). */
  owner: boolean;
  close(): Promise<void>;
}

interface ServerRecord {
  endpoint: string;
  pid: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readRecord(file: string): Promise<ServerRecord | null> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as ServerRecord;
    return typeof record.endpoint === 'string' && typeof record.pid === 'number' ? record : null;
  } catch {
    return null;
  }
}

/**
 * `work` given at most `ms` (undefined when that ran out; its signal is aborted then), by a timer
 * that holds the process open, as AbortSignal.timeout's does not: were the only thing left a wait
 * that never ends (an answer, a connection the server is still taking in), Node would end the
 * command mid-way with exit code 13.
 */
async function bounded<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}

async function responds(endpoint: string): Promise<boolean> {
  const answered = await bounded(2000, async (signal) => {
    try {
      // Any HTTP answer means a server is there; dynalite answers a bare GET with 400.
      const answer = await fetch(endpoint, { signal });
      await answer.body?.cancel();
      return true;
    } catch {
      return false;
    }
  });
  return answered ?? false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a finishing owner keeps serving processes that joined it. */
const JOINED_CLIENTS_GRACE_MS = 60_000;
/** How often a closing owner looks whether the processes that joined it are done. */
const CLIENTS_POLL_MS = 20;
/** How long closing waits for the requests in flight to be answered before it cuts the connections. */
const CLOSE_WAIT_MS = 5_000;
/** How long a process waits for another one that is starting the server. */
const STARTUP_WAIT_MS = 60_000;

/** Joiners registered in `clients/` that are still running (a joiner killed outright leaves its file). */
async function liveClients(clientsDir: string): Promise<number> {
  const names = await readdir(clientsDir).catch(() => [] as string[]);
  let live = 0;
  for (const name of names) {
    if (isAlive(Number(name.split('-')[0]))) live++;
    else await rm(join(clientsDir, name), { force: true });
  }
  return live;
}

let registrations = 0;

/** Serves `dataDir` from this process, or joins the process that already does. */
export async function openLocalDynamo(dataDir: string): Promise<LocalDynamo> {
  await mkdir(dataDir, { recursive: true });
  const recordFile = join(dataDir, 'server.json');
  const lockFile = join(dataDir, 'server.lock');
  const clientsDir = join(dataDir, 'clients');
  await mkdir(clientsDir, { recursive: true });
  const registration = join(clientsDir, `${process.pid}-${++registrations}`);
  const unregister = () => rm(registration, { force: true });

  try {
    const deadline = Date.now() + STARTUP_WAIT_MS;
    while (Date.now() < deadline) {
      // Registered before the record is read (see the header), and only while joining: a closing
      // owner waits for its joiners, never for a process waiting to serve after it.
      await writeFile(registration, '');
      const record = await readRecord(recordFile);
      if (record && record.pid !== process.pid && isAlive(record.pid) && (await responds(record.endpoint))) {
        return { endpoint: record.endpoint, owner: false, close: unregister };
      }
      await unregister();
      // Nobody serves it: take the lock (atomic create) and start the server.
      try {
        const handle = await open(lockFile, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
        if (!holder || !isAlive(holder) || holder === process.pid) await rm(lockFile, { force: true });
        else await sleep(100); // another process is starting (or finishing) the server right now
        continue;
      }
      return await startServer(dataDir, recordFile, lockFile, clientsDir);
    }
  } catch (error) {
    await unregister();
    throw error;
  }
  throw new StoreError(`could not open the local store in ${dataDir}: another fanpulse process holds ${lockFile}; stop it or remove the file`);
}

async function startServer(dataDir: string, recordFile: string, lockFile: string, clientsDir: string): Promise<LocalDynamo> {
  const server: Server = dynalite({ path: join(dataDir, 'db'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let listening: LoopbackServer;
  try {
    listening = await listenOnLoopback(server);
  } catch (cause) {
    await rm(lockFile, { force: true });
    throw new StoreError(`could not start the embedded store in ${dataDir}: ${(cause as Error).message}`, { cause });
  }
  const endpoint = listening.url;
  await writeFile(recordFile, JSON.stringify({ endpoint, pid: process.pid } satisfies ServerRecord));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // No new joiners from here on; the ones that found the record are registered (see the header):
    // keep serving until they are done (`trends` while we poll).
    await rm(recordFile, { force: true });
    const deadline = Date.now() + JOINED_CLIENTS_GRACE_MS;
    while (Date.now() < deadline && (await liveClients(clientsDir)) > 0) await sleep(CLIENTS_POLL_MS);
    // Requests in flight are answered before the store closes: dynalite throws (and ends this
    // process) when a request it is working on finds its database closed.
    const drained = await bounded(CLOSE_WAIT_MS, () => new Promise<true>((resolve) => server.close(() => resolve(true))));
    // Only a request that never ends is cut: the server is closed already otherwise.
    if (!drained) await listening.close();
    await rm(lockFile, { force: true });
  };
  return { endpoint, owner: true, close };
}

/** A dynalite for tests and benchmarks: in memory, or on disk under `path`. */
export async function startDynalite(path?: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const { url, close } = await listenOnLoopback(dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
  return { endpoint: url, close };
}
