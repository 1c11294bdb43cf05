// The scheduled poll: one pass over every source, the same core `fanpulse poll --once` runs.
// A store failure fails the invocation (Lambda retries it, then the dead-letter queue keeps the
// event); a broken source or a refused alert does not (the pass goes on, the alert stays pending).
// Overlapping invocations and retries are safe: runPass takes the pass lock and the store counts
// each post once, so a second pass is skipped or adds nothing. A skipped pass fails the invocation:
// it did no work, and reporting success would hide a lock left by a failed attempt (Lambda retries
// it, then the dead-letter queue hears of it). The lease outlasts the function's timeout, so a pass
// still running is never overlapped.
//
// A campaign with more sources than one invocation polls (poll.sourcesPerInvocation) has a batch
// queue in its stack: the pass then only plans, queues the batches and returns; the workers
// (poll-batch.ts) poll, store and finish it, under the same lock (lambdas/core/fan-out.ts). A
// retry of a planner that failed after it recorded its pass (same schedule execution id) finishes
// the hand-over and succeeds, rather than failing on the lock its own pass holds.
//
// What the pass did is logged as structured lines (adapters/pass-log.ts), which the monitoring
// queries read; no custom metrics are published. An event with `recount`
// (`{ "recount": { "since": "30d" } }`, invoked by hand after a config change) runs
// `fanpulse recount` instead, under the same pass lock.

import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { logPass } from '../adapters/pass-log.ts';
import { readPollEnv, type PollEnv } from '../config/env.ts';
import { runPass, type PassReport } from '../core/pipeline.ts';
import type { Clock } from '../core/ports.ts';
import { runRecount, type RecountReport } from '../core/recount.ts';
import { parseParams, parseTimeParam, recountParamsSchema } from '../query/params.ts';
import { once, systemClock, wirePoll } from './wiring.ts';

/**
 * What the schedules send (lib/constructs/polling.ts, digest-schedule.ts); any other event also runs
 * a pass, unless it asks for a recount. `digest`: the digest schedule's run at the configured hour.
 * Every pass sends the digests due, so this one only makes them punctual; it is a pass like the others.
 */
export interface PollEvent {
  scheduledTime?: string;
  /** The schedule's execution id: the same in Lambda's retries of this event (runPass's `event`). */
  executionId?: string;
  digest?: boolean;
  recount?: unknown;
}

/** A recount event answers with the recount's report, any other with the pass's. */
export interface PollHandler {
  (event: PollEvent & { recount: unknown }, context: Context): Promise<RecountReport>;
  (event: PollEvent, context: Context): Promise<PassReport>;
}

export function createPollHandler(readEnv: () => PollEnv, logger = new Logger(), clock: Clock = systemClock): PollHandler {
  const wiring = once(() => wirePoll(readEnv()));
  const handle = async (event: PollEvent, context: Context): Promise<PassReport | RecountReport> => {
    logger.addContext(context);
    const { config, store, sources, sink, channels, queue } = await wiring();
    // The real clock, not the scheduled time: a retry's lock lease must run from when it runs.
    const now = clock.now();
    if (event.recount !== undefined) {
      const { since } = parseParams(recountParamsSchema, event.recount);
      const report = await runRecount({ config, store, now, log: logger, sinceMs: parseTimeParam(since, now)! });
      logger.info('recount finished', { ...report });
      return report;
    }
    const report = await runPass({ config, store, sources, sink, channels, queue, now, log: logger, ...(event.executionId ? { event: event.executionId } : {}) });
    if (report.skipped) throw new Error(`pass skipped: another pass holds the lock until ${report.skipped.heldUntil}`);
    // A fanned-out pass is logged by its workers (lambdas/handlers/poll-batch.ts).
    if (!report.fannedOut) logPass(logger, report, { scheduledTime: event.scheduledTime, digestRun: event.digest === true });
    return report;
  };
  return handle as PollHandler;
}

export const handler = createPollHandler(() => readPollEnv());
