// Sends the digests due at a pass (lambdas/core/digest.ts) to the channels that ask for them, once
// per channel per topic and period: the digest's id is deterministic and each channel's delivery
// is recorded under it (deliver.ts), so later passes that day skip it, and a channel that failed
// is tried again on each pass until the campaign day ends. The pass lock keeps two passes from
// sending at once. As for alerts, a crash between a channel accepting the digest and the store
// recording it sends it to that channel once more on the next pass, never more.

import type { Config } from '../config/schema.ts';
import { digestSchedule } from '../config/digest-schema.ts';
import { deliverDigest, routesDigest, type DeliveryContext } from './deliver.ts';
import { dueDigests, type DigestPeriod } from './digest.ts';
import type { DeadChannel, Digest } from './types.ts';

export interface DigestsInput extends Omit<DeliveryContext, 'dead'> {
  config: Config;
  /** Reads and builds a due digest (lambdas/query/digest.ts). */
  read(period: DigestPeriod): Promise<Digest>;
  /** The dead channels, read only when a digest is to be sent. */
  dead(): Promise<Map<string, DeadChannel>>;
}

export interface DigestsOutcome {
  /** Digest ids every routed channel has now accepted (this pass). */
  sent: string[];
  /** Digest ids some channel still waits for (retried next pass, until the day ends). */
  pending: string[];
}

export async function sendDueDigests({ config, read, dead, ...context }: DigestsInput): Promise<DigestsOutcome> {
  const outcome: DigestsOutcome = { sent: [], pending: [] };
  const schedule = digestSchedule(config);
  if (!schedule) return outcome;
  for (const period of dueDigests(config.topics.map((t) => t.id), schedule, context.now)) {
    const routed = context.channels.filter((c) => routesDigest(c, period));
    if (routed.length === 0) continue;
    // One read per topic and pass once the day's digest is out: nothing is built again.
    const records = await context.store.channelDeliveries(period.id);
    if (routed.every((c) => ['sent', 'dead'].includes(records.get(c.name)?.status ?? ''))) continue;
    const digest = await read(period);
    const { done } = await deliverDigest(digest, { ...context, dead: await dead() });
    (done ? outcome.sent : outcome.pending).push(digest.id);
  }
  return outcome;
}
