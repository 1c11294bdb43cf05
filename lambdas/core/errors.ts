// One error base: subclasses set `name`, keep a `cause`, and say what a user should do.
// Edges (CLI, HTTP) map them to exit codes / status codes; anything else is "internal".

import type { FetchFailureKind } from './types.ts';

export class FanpulseError extends Error {
  override name = 'FanpulseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The config file is missing, not JSON, or fails the schema. */
export class ConfigError extends FanpulseError {
  override name = 'ConfigError';
}

/** A bad command-line flag or API parameter. */
export class UsageError extends FanpulseError {
  override name = 'UsageError';
}

/** A source could not be fetched or read; `kind` sorts the failure for `fanpulse sources`. */
export class FetchError extends FanpulseError {
  override name = 'FetchError';
  constructor(
    readonly kind: FetchFailureKind,
    message: string,
    /** `body`: the start of an error answer (an API's own error name and message, e.g. XRPC's {error, message}). */
    readonly details: { status?: number; retryAfterMs?: number; url?: string; body?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The document is not RSS, RDF, Atom or JSON Feed. */
export class NotAFeedError extends FetchError {
  override name = 'NotAFeedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('not-a-feed', message, {}, options);
  }
}

/** The trend store cannot be reached or refused a request: the pass cannot go on. */
export class StoreError extends FanpulseError {
  override name = 'StoreError';
}

/**
 * A channel (or the sink) did not accept an alert; it stays pending for that channel and is retried
 * on a later pass: not before `retryAfterMs` when the channel said when (a 429), never again when the
 * channel is `gone` (a deleted webhook, a chat the bot left: nothing will ever accept it there).
 */
export class AlertDeliveryError extends FanpulseError {
  override name = 'AlertDeliveryError';
  readonly retryAfterMs: number | undefined;
  readonly gone: boolean;
  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number; gone?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.gone = options.gone ?? false;
  }
}

/** The batch queue refused a fan-out pass's batches: the pass fails (and is retried) before any worker starts. */
export class QueueError extends FanpulseError {
  override name = 'QueueError';
}
