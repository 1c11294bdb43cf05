// What every channel shares: its secret from the credentials (env locally, the stack's secret in
// AWS), a fingerprint of it for the dead-channel record, and one POST whose failures become
// AlertDeliveryErrors a pass can act on: 404 → gone, 429 → retry after the platform's wait.

import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AlertMessageContext } from '../../core/alert-message.ts';
import { AlertDeliveryError, FetchError } from '../../core/errors.ts';
import type { AlertChannel, FetchRequest, Fetcher } from '../../core/ports.ts';
import type { Digest, SpikeAlert } from '../../core/types.ts';
import { credentialValues, type SourceCredentials } from '../sources/api/credentials.ts';

/** What every channel adapter is built from. */
export interface ChannelOptions {
  name: string;
  secretEnv: string;
  topics: readonly string[];
  kinds: AlertChannel['kinds'];
  credentials: SourceCredentials;
  fetcher: Fetcher;
  /** The campaign's time zone, the dashboard's address and this monitor's store, for the message. */
  message: AlertMessageContext;
}

export interface ChannelSecret {
  value: string | null;
  fingerprint: string | null;
}

/** The secret under `name`, and a digest that changes when the user replaces it (never the secret). */
export function channelSecret(credentials: SourceCredentials, name: string): ChannelSecret {
  const value = credentialValues(credentials, [name])?.[name] ?? null;
  return { value, fingerprint: value === null ? null : createHash('sha256').update(value).digest('hex').slice(0, 16) };
}

function requireSecret(secret: ChannelSecret, channel: string, name: string, what: string): string {
  if (secret.value !== null) return secret.value;
  throw new AlertDeliveryError(`channel ${channel}: set ${name} to ${what}; locally in the environment, in AWS in the stack's credentials secret`);
}

/** How a channel sends each thing: given the secret's value, an alert or a digest. */
export interface ChannelSenders {
  alert(secret: string, alert: SpikeAlert): Promise<void>;
  digest(secret: string, digest: Digest): Promise<void>;
}

/**
 * A channel from its options and how it sends: `secretIs` says what the secret must be (for the
 * message when it is missing); each sender gets the secret's value.
 */
export function defineChannel(options: ChannelOptions, secretIs: string, senders: ChannelSenders): AlertChannel {
  const secret = channelSecret(options.credentials, options.secretEnv);
  const value = () => requireSecret(secret, options.name, options.secretEnv, secretIs);
  return {
    name: options.name,
    fingerprint: secret.fingerprint,
    topics: options.topics,
    kinds: options.kinds,
    send: async (alert) => senders.alert(value(), alert),
    sendDigest: async (digest) => senders.digest(value(), digest),
  };
}

export interface PostOptions {
  channel: string;
  /** Never shown: the URL holds the webhook's token. */
  redactedUrl: string;
  /** The platform's wait from its 429 body, in ms, when it puts it there (Discord, Telegram). */
  retryAfterFromBody?: (body: string) => number | undefined;
  /** Statuses meaning "this webhook or chat no longer exists". @default [404] */
  goneStatuses?: readonly number[];
}

/** POSTs and resolves on a 2xx; the answer's body for the caller to check when the platform says more. */
export async function postToChannel(fetcher: Fetcher, request: FetchRequest, options: PostOptions): Promise<string> {
  try {
    const response = await fetcher.get({ ...request, method: 'POST' });
    return response.notModified ? '' : response.body.toString('utf8');
  } catch (error) {
    throw deliveryError(error, options);
  }
}

function deliveryError(error: unknown, { channel, redactedUrl, retryAfterFromBody, goneStatuses = [404] }: PostOptions): AlertDeliveryError {
  if (!(error instanceof FetchError)) return new AlertDeliveryError(`channel ${channel}: ${(error as Error).message}`, { cause: error });
  const { status, body = '' } = error.details;
  // The fetcher's messages name the URL, and a webhook URL is its secret.
  const said = body ? `: ${body.slice(0, 300)}` : '';
  if (status === undefined) return new AlertDeliveryError(`channel ${channel}: ${error.kind} posting to ${redactedUrl}`, { cause: error });
  if (goneStatuses.includes(status)) {
    return new AlertDeliveryError(`channel ${channel}: HTTP ${status} from ${redactedUrl}, the webhook or chat is gone (deleted, or the bot removed)${said}`, { cause: error, gone: true });
  }
  if (status === 429) {
    const retryAfterMs = retryAfterFromBody?.(body) ?? error.details.retryAfterMs;
    return new AlertDeliveryError(`channel ${channel}: rate limited (HTTP 429) by ${redactedUrl}${said}`, { cause: error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  return new AlertDeliveryError(`channel ${channel}: HTTP ${status} from ${redactedUrl}${said}`, { cause: error });
}

/** "https://discord.com/api/webhooks/…": scheme, host and the path's first part, never the token. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}/${parsed.pathname.split('/').filter(Boolean)[0] ?? ''}/…`;
  } catch {
    return '(an invalid URL)';
  }
}

/** A platform's wait in seconds from a JSON error body, in ms; undefined when it is not there. */
export function secondsFromJson<T>(body: string, schema: z.ZodType<T>, pick: (parsed: T) => number): number | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(body));
    return parsed.success ? Math.ceil(pick(parsed.data) * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Text cut to a platform's limit, with "…" marking the cut. */
export const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
