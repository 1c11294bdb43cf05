// One alert (or digest) to every channel routed to it, each at most once: a channel that accepted it is never
// sent it again, one that failed is tried again on a later pass (not before its 429's wait), one
// that is gone (a deleted webhook) is marked dead and skipped until its secret changes. One channel
// failing never stops the others. The caller holds the alert's delivery lease, so no other pass
// sends it meanwhile.
//
// A crash between a channel accepting the alert and the store recording it sends it to that
// channel once more on the next pass: no channel can be asked "did you already get this?", so
// at most one duplicate per channel is the price of never losing an alert.

import { CHANNEL_KINDS, type EmailChannelConfig } from '../config/notify-schema.ts';
import { AlertDeliveryError } from './errors.ts';
import type { AlertChannel, AlertSink, Store } from './ports.ts';
import type { ChannelDelivery, DeadChannel, Digest, SpikeAlert } from './types.ts';

export interface DeliveryContext {
  channels: readonly AlertChannel[];
  /** The channels found dead so far (store.deadChannels()); updated as channels die. */
  dead: Map<string, DeadChannel>;
  store: Store;
  now: Date;
  log: { warn(message: string): void };
}

export interface DeliverInput extends DeliveryContext {
  alert: SpikeAlert;
}

/**
 * The sink (SNS e-mail in AWS, the local file) as a channel, named "sink". It gets every alert and
 * the digest, unless an `email` entry in `notify` narrows its topics or kinds.
 */
export function sinkChannel(sink: AlertSink, email?: Pick<EmailChannelConfig, 'topics' | 'kinds'>): AlertChannel {
  const kinds = email && email.kinds.length > 0 ? email.kinds : CHANNEL_KINDS;
  return { name: 'sink', fingerprint: null, topics: email?.topics ?? [], kinds, send: (alert) => sink.send(alert), sendDigest: (digest) => sink.sendDigest(digest) };
}

export function routes(channel: AlertChannel, alert: SpikeAlert): boolean {
  return (channel.topics.length === 0 || channel.topics.includes(alert.topic)) && (channel.kinds.length === 0 || channel.kinds.includes(alert.kind));
}

/** A digest goes only where it was asked for ("digest" in kinds; the sink asks by default). */
export function routesDigest(channel: AlertChannel, digest: Pick<Digest, 'topic'>): boolean {
  return (channel.topics.length === 0 || channel.topics.includes(digest.topic)) && channel.kinds.includes('digest');
}

const isDead = (channel: AlertChannel, dead: Map<string, DeadChannel>) => dead.get(channel.name)?.fingerprint === channel.fingerprint;

/** `done` when every routed channel has accepted the alert or is dead. */
export function deliverAlert({ alert, ...context }: DeliverInput): Promise<{ done: boolean }> {
  return deliverToEach(context, { id: alert.id, what: `alert ${alert.id}`, routed: (c) => routes(c, alert), send: (c) => c.send(alert) });
}

/** The same for a digest, under its deterministic id: each routed channel gets it once. */
export function deliverDigest(digest: Digest, context: DeliveryContext): Promise<{ done: boolean }> {
  return deliverToEach(context, { id: digest.id, what: `digest ${digest.id}`, routed: (c) => routesDigest(c, digest), send: (c) => c.sendDigest(digest) });
}

interface Deliverable {
  id: string;
  what: string;
  routed(channel: AlertChannel): boolean;
  send(channel: AlertChannel): Promise<void>;
}

async function deliverToEach({ channels, dead, store, now, log }: DeliveryContext, item: Deliverable): Promise<{ done: boolean }> {
  const at = now.toISOString();
  const records = await store.channelDeliveries(item.id);
  let done = true;
  for (const channel of channels.filter((c) => item.routed(c))) {
    const record = records.get(channel.name);
    const attempts = (record?.attempts ?? 0) + 1;
    if (record?.status === 'sent') continue;
    if (isDead(channel, dead)) {
      if (record?.status !== 'dead') await store.putChannelDelivery(item.id, delivery(channel, 'dead', at, record?.attempts ?? 0, dead.get(channel.name)!.reason));
      continue;
    }
    if (record?.retryAt && record.retryAt > at) {
      done = false;
      continue;
    }
    try {
      await item.send(channel);
    } catch (error) {
      const failure = error instanceof AlertDeliveryError ? error : new AlertDeliveryError(`unexpected error: ${(error as Error).message}`, { cause: error });
      if (failure.gone) {
        const gone: DeadChannel = { channel: channel.name, fingerprint: channel.fingerprint, reason: failure.message, at };
        await store.markChannelDead(gone);
        dead.set(channel.name, gone);
        await store.putChannelDelivery(item.id, delivery(channel, 'dead', at, attempts, failure.message));
        log.warn(`channel ${channel.name} is gone and will not be used again until its secret changes: ${failure.message}`);
        continue;
      }
      done = false;
      const retryAt = failure.retryAfterMs === undefined ? null : new Date(now.getTime() + failure.retryAfterMs).toISOString();
      await store.putChannelDelivery(item.id, { ...delivery(channel, 'deferred', at, attempts, failure.message), retryAt });
      log.warn(`${item.what} not delivered to ${channel.name}, will retry ${retryAt ? `after ${retryAt}` : 'next pass'}: ${failure.message}`);
      continue;
    }
    await store.putChannelDelivery(item.id, delivery(channel, 'sent', at, attempts, null));
  }
  return { done };
}

function delivery(channel: AlertChannel, status: ChannelDelivery['status'], at: string, attempts: number, lastError: string | null): ChannelDelivery {
  return { channel: channel.name, status, at, retryAt: null, attempts, lastError };
}
