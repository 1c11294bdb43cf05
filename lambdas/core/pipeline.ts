// One poll pass (DESIGN.md "The flow of one poll"): every source concurrently and isolated →
// match → score → store idempotently → detect on every topic → deliver pending alerts → the
// digests due (lambdas/core/digest-delivery.ts).
// Only a store failure fails the pass; a broken source or a refused alert never does.
// Its two halves, pollAndStore and finishPass, are also what a pass beyond one Lambda runs: the
// workers poll and store batches of sources, and the last one finishes (fan-out.ts).

import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import { evaluateTopic } from './alerting.ts';
import { countedText, kindWords } from './kind-words.ts';
import { FetchError } from './errors.ts';
import { analysePost } from './analyse.ts';
import { matchingFingerprint, rememberListing, unremembered } from './counted-memory.ts';
import { mapConcurrent } from './map-concurrent.ts';
import { compileTopics, type TopicMatcher } from './match.ts';
import { placePost } from './place.ts';
import { deliverAlert, sinkChannel } from './deliver.ts';
import { sendDueDigests } from './digest-delivery.ts';
import { readDigest } from '../query/digest.ts';
import { fanOutRecordExpiry, planBatches, type BatchQueue } from './fan-out-plan.ts';
import type { AlertChannel, AlertSink, LockProcess, Source, Store } from './ports.ts';
import { afterFailure, afterSuccess, initialSourceState, isDeferred } from './source-health.ts';
import type { DeadChannel, FetchFailureKind, Post, ScoredPost, SpikeAlert } from './types.ts';

/** How long a pass may take to hand an alert to its channels before another pass may try. */
const DELIVERY_LEASE_MS = 5 * 60_000;
/**
 * How long a pass holds the pass lock. Longer than any healthy pass (fetches time out in seconds),
 * shorter than the schedule, so a pass that died never blocks more than the next run.
 */
export const PASS_LEASE_MS = 10 * 60_000;

/** Thrown by runPass when its signal stopped it; the pass lock is released and nothing half-done is stored. */
export class PassStopped extends Error {
  constructor() {
    super('the pass was stopped');
    this.name = 'PassStopped';
  }
}

export interface PassLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface PassDeps {
  config: Config;
  store: Store;
  sources: readonly Source[];
  sink: AlertSink;
  /** The configured channels (Discord, Slack, …); the sink is always a channel too, named "sink". */
  channels?: readonly AlertChannel[];
  now: Date;
  log: PassLog;
  /**
   * Set when the user stops the monitor: no source starts after it, and a pass stopped before its
   * store step stores nothing (no posts, no cursors), so the next pass fetches it all again.
   */
  signal?: AbortSignal;
  /**
   * The local process running this pass (the CLI): recorded in the lock, and a lock left by a process
   * of this machine that is gone is taken over at once. Absent in AWS, where the lease decides.
   */
  localProcess?: LockProcess & { isRunning(pid: number): boolean };
  /**
   * Where a pass over more sources than one invocation polls hands them, in batches, to workers
   * (lambdas/core/fan-out.ts). Absent (the CLI, a small campaign's stack): one invocation polls all.
   */
  queue?: BatchQueue;
  /**
   * The id of the event that started the pass (EventBridge Scheduler's execution id), when it has
   * one. Lambda delivers an event again after a failed attempt; a fanned-out pass records it, so a
   * later delivery finds the pass its earlier attempt planned and completes the hand-over instead
   * of failing on the lock that pass holds.
   */
  event?: string;
}

export type SourceOutcome =
  | { sourceId: string; status: 'ok'; items: number; counted: number; unreadable: number }
  | { sourceId: string; status: 'not-modified' }
  | { sourceId: string; status: 'deferred'; until: string }
  | { sourceId: string; status: 'failed'; kind: FetchFailureKind; error: string };

export interface PassReport {
  at: string;
  /** Set when another pass held the lock: this pass did nothing. */
  skipped: { heldUntil: string } | null;
  /** Set when the pass handed its sources to workers: the rest of the report is theirs to log. */
  fannedOut?: { passId: string; batches: number };
  sources: SourceOutcome[];
  newPosts: number;
  bucketWrites: number;
  alertsRaised: SpikeAlert[];
  alertsDelivered: SpikeAlert[];
  alertsPending: SpikeAlert[];
  /** Digest ids delivered to every channel that asks for them in this pass, and ones still waiting for a channel. */
  digestsSent: string[];
  digestsPending: string[];
}

/**
 * Matches and scores a source's posts; drops the ones too old to count. Posts that count for no
 * topic are kept (with no topics): the store keeps them for a recount after a config change.
 */
export function scorePosts(posts: readonly Post[], topicIds: readonly string[], matcher: TopicMatcher, now: Date): ScoredPost[] {
  const scored: ScoredPost[] = [];
  for (const post of posts) {
    const bucketStart = placePost(post.published, now);
    if (bucketStart === null) continue;
    const { topics, sentiment } = analysePost(post, topicIds, matcher);
    scored.push({ ...post, topics, sentiment, bucketStart });
  }
  return scored;
}

/** Attempts at releasing the pass lock: a pass that failed on a store hiccup must not leave it behind. */
const RELEASE_ATTEMPTS = 3;

export async function runPass(deps: PassDeps): Promise<PassReport> {
  const { store, now, log, queue } = deps;
  // Overlapping passes (a slow pass and the next schedule, a retry, a second CLI) run one at a time.
  const holder = `pass-${randomUUID()}`;
  // Once the batches are queued the lock is theirs: the worker that finishes the pass releases it.
  let handedOver = false;
  // Taken inside the try: a put that succeeded but answered with an error is released too.
  try {
    const lock = await takePassLock(deps, holder);
    if (!lock.acquired) {
      const planned = queue ? await resumePlannedPass({ ...deps, queue }, lock.heldBy) : null;
      if (planned) return { ...emptyReport(now), fannedOut: planned };
      log.warn(`another pass is running (its lock lasts until ${lock.heldUntil}); skipping this one`);
      return { ...emptyReport(now), skipped: { heldUntil: lock.heldUntil } };
    }
    const batches = queue ? passBatches(deps, holder) : null;
    if (!queue || !batches) return await runLockedPass(deps);
    await store.startFanOut(holder, batches.length, deps.event ?? null, fanOutRecordExpiry(now));
    await queue.send(batches);
    handedOver = true;
    // Failing here fails the invocation with the lock kept: the event's next delivery queues the batches again.
    await store.markFanOutQueued(holder);
    log.info(`pass ${holder}: ${deps.sources.length} sources handed to ${batches.length} workers`);
    return { ...emptyReport(now), fannedOut: { passId: holder, batches: batches.length } };
  } finally {
    if (!handedOver) await releasePassLock(store, holder, log);
  }
}

/** The batches pass `passId` hands its sources to; null when it stays one invocation. */
const passBatches = ({ sources, config }: PassDeps, passId: string) => planBatches(passId, sources.map((source) => source.id), config.poll);

/**
 * When the pass holding the lock was planned by an earlier delivery of this pass's event (that
 * attempt failed or died after recording it): queues its batches again unless the queue took them
 * all (a batch queued twice is stored and counted once), and answers the pass. Null when the lock is
 * another event's pass (or the config changed its batches since): this pass is then skipped.
 */
async function resumePlannedPass(deps: PassDeps & { queue: BatchQueue }, passId: string) {
  const { store, queue, log, event } = deps;
  if (event === undefined) return null;
  const record = await store.readFanOut(passId);
  if (record?.event !== event) return null;
  const batches = passBatches(deps, passId);
  if (batches?.length !== record.batches) return null;
  const queuedAgain = !record.queued && record.finishedAt === null;
  if (queuedAgain) {
    await queue.send(batches);
    await store.markFanOutQueued(passId);
  }
  log.info(`pass ${passId} was planned by an earlier delivery of this event; ${queuedAgain ? 'its batches are queued again' : 'nothing is left to queue'}`);
  return { passId, batches: batches.length };
}

/** A pass that did nothing yet: what a skipped or planned pass reports, and what a batch's log starts from. */
export const emptyReport = (now: Date): PassReport => ({ at: now.toISOString(), skipped: null, sources: [], newPosts: 0, bucketWrites: 0, alertsRaised: [], alertsDelivered: [], alertsPending: [], digestsSent: [], digestsPending: [] });

/** The parts of a pass that taking and releasing the pass lock need (a recount takes it too). */
export type LockDeps = Pick<PassDeps, 'store' | 'now' | 'log' | 'localProcess'>;

export async function takePassLock({ store, now, log, localProcess }: LockDeps, holder: string) {
  const until = new Date(now.getTime() + PASS_LEASE_MS).toISOString();
  const process = localProcess && { host: localProcess.host, pid: localProcess.pid };
  const lock = await store.acquirePassLock(holder, now.toISOString(), until, { process });
  if (lock.acquired || !localProcess || !lock.process) return lock;
  // A pass killed outright (kill -9, a second Ctrl-C) on this machine: nothing runs, so nothing waits.
  if (lock.process.host !== localProcess.host || localProcess.isRunning(lock.process.pid)) return lock;
  log.warn(`the pass lock was left by process ${lock.process.pid}, which is no longer running; taking it over`);
  return store.acquirePassLock(holder, now.toISOString(), until, { process, replacing: lock.heldBy });
}

export async function releasePassLock(store: Store, holder: string, log: PassLog): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.releasePassLock(holder);
    } catch (error) {
      if (attempt >= RELEASE_ATTEMPTS) {
        log.warn(`could not release the pass lock (it runs out by itself): ${(error as Error).message}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

async function runLockedPass(deps: PassDeps): Promise<PassReport> {
  const stored = await pollAndStore(deps);
  return { at: deps.now.toISOString(), skipped: null, ...stored, ...(await finishPass(deps)) };
}

/** What polling and storing a set of sources did (a whole pass's, or one fan-out batch's). */
export interface StoredSources {
  sources: SourceOutcome[];
  newPosts: number;
  bucketWrites: number;
}

/**
 * Polls `deps.sources` (all of a pass's, or one fan-out batch: lambdas/core/fan-out.ts) and stores
 * what they list idempotently, then their states. Run again after a crash, it counts nothing twice.
 */
/**
 * Polls `sources` and stores what they list. `concurrentIngests`: other batches of the same pass
 * may be storing at the same time (a fanned-out pass's workers), so the store must not let one
 * overwrite a post another stored (IngestOptions).
 */
export async function pollAndStore({ config, store, sources, now, log, signal }: PassDeps, { concurrentIngests = false } = {}): Promise<StoredSources> {
  const stopIfAsked = () => {
    if (signal?.aborted) throw new PassStopped();
  };
  const matcher = compileTopics(config.topics);
  const sourceConfigs = new Map(config.sources.map((source) => [source.id, source]));
  const topicsById = new Map(config.topics.map((topic) => [topic.id, topic]));
  const states = await store.getSourceStates(sources.map((source) => source.id));

  const fetched = await mapConcurrent(sources, config.poll.concurrency, async (source) => {
    stopIfAsked();
    const state = states.get(source.id) ?? initialSourceState(source.id);
    if (isDeferred(state, now)) {
      return { outcome: { sourceId: source.id, status: 'deferred', until: state.retryAfter! } as SourceOutcome, state, scored: [] };
    }
    try {
      const poll = await source.poll(state, now);
      const topicIds = sourceConfigs.get(source.id)?.topics ?? [];
      if (poll.rejected) log.warn(`source ${source.id}: ${poll.rejected.count} item(s) unreadable, first: ${poll.rejected.first}`);
      const scored = scorePosts(poll.posts, topicIds, matcher, now);
      const outcome: SourceOutcome = poll.changed
        ? { sourceId: source.id, status: 'ok', items: poll.posts.length, counted: scored.filter((post) => post.topics.length > 0).length, unreadable: poll.rejected?.count ?? 0 }
        : { sourceId: source.id, status: 'not-modified' };
      // Only what the source does not remember counting goes to the store; the new memory is stored
      // with the state, after the ingest that makes it true (core/counted-memory.ts).
      const fingerprint = matchingFingerprint(topicIds.flatMap((id) => topicsById.get(id) ?? []));
      const counted = poll.changed ? rememberListing(scored, fingerprint) : (state.counted ?? null);
      return { outcome, state: { ...afterSuccess(state, poll, now), counted }, scored: unremembered(scored, state.counted, fingerprint) };
    } catch (error) {
      // Anything a source throws is that source's failure, never the pass's.
      const failure = error instanceof FetchError ? error : new FetchError('network', `unexpected error: ${(error as Error).message}`, {}, { cause: error });
      log.warn(`source ${source.id} failed (${failure.kind}): ${failure.message}`);
      return {
        outcome: { sourceId: source.id, status: 'failed', kind: failure.kind, error: failure.message } as SourceOutcome,
        state: afterFailure(state, failure, now),
        scored: [],
      };
    }
  });

  // Fetches cut short by the stop look like failures: storing them would count them as ones.
  stopIfAsked();
  const ingest = await store.ingest(
    fetched.flatMap((f) => f.scored),
    { now, retentionDays: config.poll.postRetentionDays, concurrentIngests },
  );
  // Validators and cursors advance only once the posts they cover are stored: a crash before
  // this point refetches and recounts nothing twice.
  for (const { state } of fetched) await store.putSourceState(state);

  return { sources: fetched.map((f) => f.outcome), newPosts: ingest.newPosts, bucketWrites: ingest.bucketWrites };
}

/** What a pass's finish did: alerts raised and delivered, digests sent. */
export type FinishReport = Pick<PassReport, 'alertsRaised' | 'alertsDelivered' | 'alertsPending' | 'digestsSent' | 'digestsPending'>;

/**
 * The end of a pass, on what is stored: detection on every topic, then the pending alerts and the
 * digests due. Run once per pass, after every source (or every fan-out batch) is stored; a second
 * run raises and sends nothing twice (alert claims, delivery leases and per-channel records).
 */
export async function finishPass({ config, store, sink, channels = [], now, log }: PassDeps): Promise<FinishReport> {
  const alertsRaised: SpikeAlert[] = [];
  for (const topic of config.topics) {
    // Each kind claims its own cooldown: a petition spike does not silence a negativity surge.
    for (const { alert, cooldownUntil } of await evaluateTopic({ topic, store, settings: config.alerts, now })) {
      if (!(await store.claimAlert(alert, cooldownUntil))) continue;
      log.info(`${kindWords(alert.kind).label} on ${topic.id}: ${countedText(alert.kind, alert.count)} (baseline ${alert.baseline.toFixed(1)})`);
      alertsRaised.push(alert);
    }
  }

  // Each alert goes to every channel routed to it, each at most once (deliver.ts); the alert is
  // done when all have accepted it, and stays pending for the ones that have not.
  const allChannels = [sinkChannel(sink, config.notify.find((c) => c.type === 'email')), ...channels];
  const alertsDelivered: SpikeAlert[] = [];
  const alertsPending: SpikeAlert[] = [];
  const leaseUntil = new Date(now.getTime() + DELIVERY_LEASE_MS).toISOString();
  const pending = await store.pendingAlerts();
  let deadRead: Promise<Map<string, DeadChannel>> | undefined;
  const deadChannels = () => (deadRead ??= store.deadChannels());
  const dead = pending.length > 0 ? await deadChannels() : new Map<string, DeadChannel>();
  for (const alert of pending) {
    if (!(await store.leaseAlert(alert, now.toISOString(), leaseUntil))) continue;
    const outcome = await deliverAlert({ alert, channels: allChannels, dead, store, now, log });
    if (!outcome.done) {
      alertsPending.push(alert);
      continue;
    }
    const sentAt = now.toISOString();
    await store.markAlertSent(alert, sentAt);
    alertsDelivered.push({ ...alert, status: 'sent', sentAt });
  }

  // The digests due now (after the configured hour, campaign time), once per channel per topic-day.
  const digests = await sendDueDigests({ config, channels: allChannels, store, now, log, dead: deadChannels, read: (period) => readDigest(store, config, period, now) });

  return { alertsRaised, alertsDelivered, alertsPending, digestsSent: digests.sent, digestsPending: digests.pending };
}
