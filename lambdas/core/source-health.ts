// How a source's remembered state changes after a fetch: validators, cursor and health.

import type { FetchError } from './errors.ts';
import type { SourcePoll } from './ports.ts';
import type { SourceState } from './types.ts';

export function initialSourceState(sourceId: string): SourceState {
  return {
    sourceId,
    etag: null,
    lastModified: null,
    cursor: null,
    health: 'never-polled',
    lastSuccess: null,
    lastAttempt: null,
    lastError: null,
    lastErrorKind: null,
    consecutiveFailures: 0,
    itemsSeen: 0,
    retryAfter: null,
    rejected: 0,
    lastRejection: null,
    detail: null,
  };
}

/** A state stored by an older release, with the fields it did not know yet at their initial values. */
export const withStateDefaults = (stored: SourceState): SourceState => ({ ...initialSourceState(stored.sourceId), ...stored });

export function afterSuccess(state: SourceState, poll: SourcePoll, now: Date): SourceState {
  const at = now.toISOString();
  return {
    ...state,
    // A 304 carries no new validators: keep the ones that earned it.
    etag: poll.changed ? poll.etag : state.etag,
    lastModified: poll.changed ? poll.lastModified : state.lastModified,
    cursor: poll.cursor ?? state.cursor,
    health: 'ok',
    lastSuccess: at,
    lastAttempt: at,
    lastError: null,
    lastErrorKind: null,
    consecutiveFailures: 0,
    itemsSeen: state.itemsSeen + poll.posts.length,
    retryAfter: null,
    rejected: state.rejected + (poll.rejected?.count ?? 0),
    lastRejection: poll.rejected?.first ?? state.lastRejection,
    detail: poll.detail === undefined ? state.detail : poll.detail,
  };
}

/** Backoff after a 429 that named no Retry-After: doubles per failure, from 5 minutes to 6 hours. */
const RATE_LIMIT_BACKOFF_MS = { first: 5 * 60_000, max: 6 * 3_600_000 };

export function afterFailure(state: SourceState, error: FetchError, now: Date): SourceState {
  const rateLimited = error.details.status === 429;
  const retryAfterMs =
    error.details.retryAfterMs ??
    (rateLimited ? Math.min(RATE_LIMIT_BACKOFF_MS.first * 2 ** state.consecutiveFailures, RATE_LIMIT_BACKOFF_MS.max) : undefined);
  return {
    ...state,
    // Missing keys are the user's to set, not a fault of the source: said as such, and nothing was requested.
    health: error.kind === 'needs-credentials' ? 'needs-credentials' : 'failing',
    lastAttempt: now.toISOString(),
    lastError: error.message,
    lastErrorKind: error.kind,
    consecutiveFailures: state.consecutiveFailures + 1,
    retryAfter: retryAfterMs !== undefined ? new Date(now.getTime() + retryAfterMs).toISOString() : null,
  };
}

/** True while the source asked us (Retry-After) not to come back yet. */
export function isDeferred(state: SourceState, now: Date): boolean {
  return state.retryAfter !== null && Date.parse(state.retryAfter) > now.getTime();
}

/** A source failing, waiting for credentials, never polled, or dropping unreadable items: shown by summary and the digest. */
export const needsAttention = (source: Pick<SourceState, 'health' | 'rejected'>): boolean => source.health !== 'ok' || source.rejected > 0;
