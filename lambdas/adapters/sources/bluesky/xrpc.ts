// Calling XRPC (atproto's HTTP API, /xrpc/{method}) through the shared fetcher: JSON answers, and
// error answers whose body {error, message} names what went wrong (ExpiredToken, RateLimitExceeded,
// AuthenticationRequired "Invalid identifier or password", …), added to the failure a user sees.

import { FetchError } from '../../../core/errors.ts';
import type { FetchRequest, Fetcher } from '../../../core/ports.ts';
import { getJson, type AccessHints, type ApiAnswer } from '../api/json.ts';
import { xrpcErrorSchema } from './wire.ts';

export const xrpcUrl = (host: string, method: string, params?: URLSearchParams): string =>
  `${host}/xrpc/${method}${params && params.size > 0 ? `?${params}` : ''}`;

/** The XRPC error an HTTP failure carried, if its body was one. */
export function xrpcErrorOf(error: unknown): { error: string; message?: string | undefined } | null {
  if (!(error instanceof FetchError) || error.details.body === undefined) return null;
  try {
    const said = xrpcErrorSchema.safeParse(JSON.parse(error.details.body));
    return said.success ? said.data : null;
  } catch {
    return null;
  }
}

/** The server refused the token itself (expired, revoked, not readable): a new one may help, nothing else will. */
export function tokenRefused(error: unknown): boolean {
  if (!(error instanceof FetchError)) return false;
  const { status } = error.details;
  if (status === 401) return true;
  const name = xrpcErrorOf(error)?.error;
  return status === 400 && (name === 'ExpiredToken' || name === 'InvalidToken');
}

export async function callXrpc(fetcher: Fetcher, request: FetchRequest, hints: AccessHints): Promise<ApiAnswer> {
  try {
    return await getJson(fetcher, request, hints);
  } catch (error) {
    const said = xrpcErrorOf(error);
    if (!said || !(error instanceof FetchError)) throw error;
    const message = `${error.message} (${said.error}${said.message ? `: ${said.message}` : ''})`;
    throw new FetchError(error.kind, message, error.details, { cause: error });
  }
}
