// What the API sources share about an answer's shape beyond their zod schemas: a named failure for an
// answer that is not what the endpoint returns, and API timestamps that may lack a zone.

import { FetchError } from '../../../core/errors.ts';

/** The answer parsed as JSON but is not what the endpoint returns (an error page, another API, a changed API). */
export function unexpectedAnswer(url: string, what: string): FetchError {
  return new FetchError('not-a-feed', `unexpected answer from ${url}: ${what}`, { url });
}

/**
 * An API timestamp as epoch milliseconds. ISO-8601 with or without a zone: a time without one is UTC
 * (Lemmy before 0.19 writes `2023-06-20T12:34:56.123456`), never the machine's local time.
 */
export function apiTimeMs(raw: string | null): number | null {
  const value = raw?.trim();
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : ms;
}
