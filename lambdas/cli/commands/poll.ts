// `fanpulse poll [--once]`: one pass over every source, or a pass every configured interval.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpFetcher } from '../../adapters/http-fetcher.ts';
import { createChannels } from '../../adapters/channels/create-channel.ts';
import { createLocalSink } from '../../adapters/local-sink.ts';
import { createSources } from '../../adapters/sources/create-source.ts';
import { readEnv } from '../../config/env.ts';
import type { Config } from '../../config/schema.ts';
import { PassStopped, runPass, type PassReport } from '../../core/pipeline.ts';
import type { SessionStore, Store } from '../../core/ports.ts';
import { openLastingStore } from '../lasting-store.ts';
import { localProcess } from '../local-process.ts';
import { listenForStop } from '../stop-signals.ts';
import { commandOptions, pollOptionsSchema } from '../options.ts';
import { clock, cliLog, configPath, dataDir, readConfig, withStore, type CommonOptions } from '../context.ts';
import { storeLocation } from '../store-connection.ts';
import type { AlertMessageContext } from '../../core/alert-message.ts';
import { kindWords } from '../../core/kind-words.ts';

export type PollOptions = CommonOptions & Record<string, unknown>;

export function summarise(report: PassReport): string {
  if (report.skipped) return `pass at ${report.at} skipped: another pass holds the lock until ${report.skipped.heldUntil}\n`;
  const lines = report.sources.map((s) => {
    switch (s.status) {
      case 'ok':
        return `  ${s.sourceId}: ${s.items} items, ${s.counted} matched a topic${s.unreadable ? `, ${s.unreadable} unreadable (see fanpulse sources)` : ''}`;
      case 'not-modified':
        return `  ${s.sourceId}: not modified`;
      case 'deferred':
        return `  ${s.sourceId}: skipped until ${s.until} (the server asked us to wait)`;
      case 'failed':
        return s.kind === 'needs-credentials' ? `  ${s.sourceId}: needs credentials: ${s.error}` : `  ${s.sourceId}: FAILED (${s.kind}) ${s.error}`;
    }
  });
  const alerts = report.alertsRaised.map((a) => `  ALERT ${a.topic}: ${a.count} ${kindWords(a.kind).many} ${a.windowStart} → ${a.windowEnd} (baseline ${a.baseline.toFixed(1)})`);
  return [
    `pass at ${report.at}`,
    ...lines,
    `stored ${report.newPosts} new posts (${report.bucketWrites} bucket writes); alerts raised ${report.alertsRaised.length}, delivered ${report.alertsDelivered.length}, pending ${report.alertsPending.length}`,
    ...alerts,
    ...report.digestsSent.map((id) => `  DIGEST ${id} delivered`),
    ...report.digestsPending.map((id) => `  DIGEST ${id} waiting for a channel (retried next pass)`),
  ].join('\n') + '\n';
}

/** What every pass of this process shares; login sessions are kept in `sessions` (the store). */
export function passDeps(config: Config, options: CommonOptions, sessions: SessionStore, signal?: AbortSignal) {
  // Checks the credential pairs before the first pass; names the store the alerts' commands read.
  const env = readEnv();
  const message: AlertMessageContext = {
    timeZone: config.alerts.timeZone,
    store: { ...storeLocation(env, dataDir(options)), configPath: configPath(options.config) },
  };
  const fetcher = createHttpFetcher({ ...config.poll, signal });
  return {
    config,
    sources: createSources(config, fetcher, { credentials: process.env, sessions }),
    sink: createLocalSink({ file: join(dataDir(options), 'alerts.jsonl'), out: process.stderr, message }),
    channels: createChannels(config.notify, config.poll, process.env, message),
    log: cliLog,
    signal,
    localProcess: localProcess(),
  };
}

const STOPPED = 'stopped\n';

/**
 * One pass and what it printed; then what DynamoDB's TTL would have deleted by now goes from a local
 * store too (once a day; store/expiry.ts).
 */
async function passAndSweep(deps: ReturnType<typeof passDeps>, store: Store, now: Date): Promise<string> {
  const report = summarise(await runPass({ ...deps, store, now }));
  if (deps.signal?.aborted) return report;
  const deleted = await store.sweepExpired(now, deps.signal);
  return report + (deleted ? `deleted ${deleted} expired items (posts kept past poll.postRetentionDays)\n` : '');
}

export async function run(options: PollOptions): Promise<string> {
  const { once } = commandOptions(pollOptionsSchema, options);
  const config = await readConfig(options);
  const stop = listenForStop((message) => console.error(`fanpulse: ${message}`));
  try {
    return await (once ? passOnce(config, options, stop.signal) : loop(config, options, stop.signal));
  } catch (error) {
    if (error instanceof PassStopped) return STOPPED;
    throw error;
  } finally {
    stop.dispose();
  }
}

async function passOnce(config: Config, options: PollOptions, signal: AbortSignal): Promise<string> {
  const now = clock(options);
  return withStore(options, (store) => passAndSweep(passDeps(config, options, store, signal), store, now));
}

async function loop(config: Config, options: PollOptions, signal: AbortSignal): Promise<string> {
  if (options.now) console.error('fanpulse: note: --now applies to --once; the loop uses the real clock');
  console.error(`fanpulse: polling ${config.sources.length} sources every ${config.poll.intervalMinutes} min; Ctrl-C to stop`);
  // One store connection for the whole loop: this process may be the one serving the data dir.
  const lasting = await openLastingStore(options, (where) => console.error(`fanpulse: the store's server went away; now using the ${where}`));
  const deps = passDeps(config, options, lasting.store, signal);
  console.error(`fanpulse: using the ${lasting.where()}`);
  try {
    while (!signal.aborted) {
      process.stdout.write(await passAndSweep(deps, lasting.store, new Date()));
      // Rejects at once when stopped (also when the stop came during the pass).
      await sleep(config.poll.intervalMinutes * 60_000, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await lasting.close();
  }
  return STOPPED;
}
