// A pass beyond one Lambda: the planner (runPass with a queue, pipeline.ts) takes the pass lock,
// records the pass and queues its batches (fan-out-plan.ts); each worker runs one batch here:
// the same poll-and-store as a single pass (pollAndStore), then marks the batch stored in the pass
// record; the worker that stores the last batch runs the pass's finish (finishPass) once and
// releases the lock. Every step converges when a message is delivered again after a crash:
//   - the lock: a worker renews it only while its pass holds it, so a batch of a pass that is over
//     (finished, or ran out of lease) does nothing; the next pass polls every source anyway;
//   - storing: pollAndStore is idempotent (the store counts each post once);
//   - counting batches: a set of batch numbers, added to only once per batch;
//   - the finish: claimed with a lease (one worker at a time), marked done, then the lock released.

import type { Source } from './ports.ts';
import { finishPass, pollAndStore, PASS_LEASE_MS, type FinishReport, type PassDeps, type StoredSources } from './pipeline.ts';
import { INVOCATION_MS, type FanOutBatch } from './fan-out-plan.ts';

/** A fan-out pass as the table records it. */
export interface FanOutRecord {
  batches: number;
  /** The batch numbers stored so far. */
  stored: number[];
  finishedAt: string | null;
  /** The event that planned the pass (the schedule's execution id), when it had one: its retries find the pass. */
  event: string | null;
  /** Set once every batch was accepted by the queue. */
  queued: boolean;
}

/** What the fan-out needs of the store (lambdas/adapters/store/fan-out-passes.ts, pass-lock.ts). */
export interface FanOutStore {
  /** Extends the pass lock to `until` only if `holder` holds it; false when it does not (the pass is over). */
  renewPassLock(holder: string, until: string): Promise<boolean>;
  /** Records a pass of `batches` batches, none stored yet, planned by `event` (kept until `expiresAt`, epoch seconds). */
  startFanOut(passId: string, batches: number, event: string | null, expiresAt: number): Promise<void>;
  /** Notes that the queue accepted every batch of the pass. */
  markFanOutQueued(passId: string): Promise<void>;
  /** The pass's record; null when there is none. */
  readFanOut(passId: string): Promise<FanOutRecord | null>;
  /** Adds the batch to the stored ones (once, however often it is called) and answers the record; null when there is none. */
  markBatchStored(passId: string, batch: number): Promise<FanOutRecord | null>;
  /** Takes the pass's finish for `claimer` until `until`, unless it is done or a claim (anyone's) has not run out. */
  claimFinish(passId: string, claimer: string, now: string, until: string): Promise<boolean>;
  markFanOutFinished(passId: string, at: string): Promise<void>;
}

export type BatchOutcome =
  /** Its pass is over (finished, or its lock ran out or was taken over): nothing was done. */
  | { status: 'stale'; passId: string; batch: number }
  | {
      status: 'stored';
      passId: string;
      batch: number;
      stored: StoredSources;
      /** Set on the worker that ran the pass's finish. */
      finish: FinishReport | null;
    };

/** The configured sources a batch names; an id the config no longer has (a deploy in between) is skipped. */
export function batchSources(sources: readonly Source[], batch: FanOutBatch): Source[] {
  const wanted = new Set(batch.sourceIds);
  return sources.filter((source) => wanted.has(source.id));
}

/**
 * One worker's batch. `deps.sources` are all the configured sources; `claimer` names this one
 * delivery of the batch (the finish's claim: two deliveries of one message at once are two claimers,
 * so only one finishes). The claim lasts one invocation: a crashed finisher's message comes back after
 * the queue's visibility timeout, which is longer (lib/constructs/fan-out.ts), and its claim has run
 * out by then. Throws on a store failure: the queue delivers the batch again.
 */
export async function runBatch(deps: PassDeps, batch: FanOutBatch, claimer: string): Promise<BatchOutcome> {
  const { store, now, log } = deps;
  const { passId } = batch;
  // Renewed at every batch's start: a pass whose workers still start keeps its lock, and the lease
  // outlasts this invocation, so no other pass starts before it is done.
  if (!(await store.renewPassLock(passId, new Date(now.getTime() + PASS_LEASE_MS).toISOString()))) {
    log.warn(`batch ${batch.batch} of ${passId}: that pass is over, skipping it (the next pass polls its sources)`);
    return { status: 'stale', passId, batch: batch.batch };
  }
  const stored = await pollAndStore({ ...deps, sources: batchSources(deps.sources, batch) }, { concurrentIngests: true });
  const record = await store.markBatchStored(passId, batch.batch);
  const done = { status: 'stored' as const, passId, batch: batch.batch, stored, finish: null };
  if (!record) throw new Error(`fan-out pass ${passId} has no record although it holds the pass lock`);
  if (record.finishedAt) {
    // A crash between the finish and the lock's release: release it now.
    await store.releasePassLock(passId);
    return done;
  }
  if (record.stored.length < record.batches) return done;
  if (!(await store.claimFinish(passId, claimer, now.toISOString(), new Date(now.getTime() + INVOCATION_MS).toISOString()))) return done;
  const finish = await finishPass(deps);
  await store.markFanOutFinished(passId, now.toISOString());
  // Not retried here: a failure fails the batch, and its next delivery finds the pass finished and releases it.
  await store.releasePassLock(passId);
  return { ...done, finish };
}
