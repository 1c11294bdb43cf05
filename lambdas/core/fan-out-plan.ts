// When a pass fans out, and into which batches: the planner's side of a pass beyond one Lambda
// (lambdas/core/fan-out.ts runs a batch). Plain data and arithmetic; the queue is a port.

import type { PollSettings } from '../config/schema.ts';

/**
 * The part of an invocation's budget (5 minutes, lib/constructs/polling.ts) polling may use even when
 * every source times out; the rest stores and finishes the pass.
 */
export const POLLING_BUDGET_MS = 4 * 60_000;

/**
 * How long one invocation (a pass, or the worker that finishes a fan-out pass) can run: the
 * functions' timeout. A finish claimed this long ago belongs to a worker that is gone.
 */
export const INVOCATION_MS = 5 * 60_000;

/** One worker's share of a pass: the message on the batch queue. */
export interface FanOutBatch {
  /** The pass lock's holder: the pass the batch belongs to. */
  passId: string;
  /** 0-based; the pass record counts the stored ones by it. */
  batch: number;
  sourceIds: string[];
}

/** A pass record (epoch seconds, the table's TTL) outlives any pass by far: it only sees its batches through. */
export const fanOutRecordExpiry = (now: Date) => Math.floor(now.getTime() / 1000) + 2 * 86_400;

/** Where a planner hands its batches: SQS in AWS (lambdas/adapters/batch-queue.ts). */
export interface BatchQueue {
  /** Resolves once every batch is accepted; throws a QueueError when any is not (the planner then releases the lock). */
  send(batches: readonly FanOutBatch[]): Promise<void>;
}

/** The most sources one invocation polls (poll.sourcesPerInvocation, or what "auto" works out to). */
export function sourcesPerInvocation(poll: Pick<PollSettings, 'sourcesPerInvocation' | 'concurrency' | 'timeoutMs'>): number {
  if (poll.sourcesPerInvocation !== 'auto') return poll.sourcesPerInvocation;
  // Waves of `concurrency` sources, each wave at most one timeout long (8 × 240 s / 20 s = 96).
  return Math.max(1, Math.floor((poll.concurrency * POLLING_BUDGET_MS) / poll.timeoutMs));
}

/** Whether a pass over these many sources fans out (small campaigns keep the one invocation). */
export const fansOut = (sourceCount: number, poll: Parameters<typeof sourcesPerInvocation>[0]) => sourceCount > sourcesPerInvocation(poll);

/** The pass's batches, in config order, each at most sourcesPerInvocation sources; null when it stays one invocation. */
export function planBatches(passId: string, sourceIds: readonly string[], poll: Parameters<typeof sourcesPerInvocation>[0]): FanOutBatch[] | null {
  if (!fansOut(sourceIds.length, poll)) return null;
  const size = sourcesPerInvocation(poll);
  // Even batches: 100 sources at 96 each are two of 50, not 96 and 4.
  const count = Math.ceil(sourceIds.length / size);
  const even = Math.ceil(sourceIds.length / count);
  return Array.from({ length: count }, (_, batch) => ({ passId, batch, sourceIds: sourceIds.slice(batch * even, (batch + 1) * even) }));
}
