// The app-password session every bluesky source of an account shares. Logins are rate-limited hard
// (createSession: 30 per 5 minutes and 300 a day per account at a PDS, 100 a day at the bsky.social
// entryway), so a session is made once, kept in the SessionStore (the trend store: shared across passes
// and processes), renewed with refreshSession when its access token runs out, and made anew only when
// the refresh token is refused. Sources of one process that ask at once share one request.

import { Buffer } from 'node:buffer';
import { z } from 'zod';
import { FetchError } from '../../../core/errors.ts';
import type { Fetcher, SessionStore } from '../../../core/ports.ts';
import type { AccessHints } from '../api/json.ts';
import { firstIssue } from '../api/rejections.ts';
import { pdsEndpoint, sessionAnswerSchema } from './wire.ts';
import { callXrpc, tokenRefused, xrpcUrl } from './xrpc.ts';

/** What is kept in the store (never the password). */
const storedSessionSchema = z.object({
  v: z.literal(1),
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
  did: z.string(),
  handle: z.string(),
  /** The account's PDS from its DID document: where the session is used and refreshed; null: `service`. */
  pds: z.string().nullable(),
});

export type BlueskySession = z.output<typeof storedSessionSchema>;

export interface Login {
  service: string;
  /** BLUESKY_HANDLE: a handle (or the account's e-mail or DID). */
  identifier: string;
  /** BLUESKY_APP_PASSWORD. */
  password: string;
}

/** A token this close to its `exp` is renewed before use rather than risk a refusal mid-pass. */
const EXPIRY_MARGIN_MS = 60_000;

const HOW = 'an app password from bsky.app → Settings → Privacy and security → App passwords, and the handle it belongs to';

/** Logins in flight, per session store and key: sources that ask at once share one request. */
const inFlight = new WeakMap<SessionStore, Map<string, Promise<BlueskySession>>>();

export const sessionKey = (login: Login): string => `bluesky:${login.service}:${login.identifier.toLowerCase()}`;

/** Where the session's requests go: its PDS, else the service it logged in at. */
export const sessionHost = (session: BlueskySession, service: string): string => session.pds ?? service;

/** The `exp` of a JWT (epoch ms), read without verifying it; null when it has none or is not a JWT. */
export function jwtExpiresAtMs(jwt: string): number | null {
  const payload = jwt.split('.')[1];
  if (!payload) return null;
  try {
    const exp: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Usable at `nowMs` as far as we can tell: a token without a readable `exp` is tried, and the server says. */
const usable = (jwt: string, nowMs: number): boolean => {
  const expires = jwtExpiresAtMs(jwt);
  return expires === null || expires - EXPIRY_MARGIN_MS > nowMs;
};

export interface SessionKeeper {
  /** A session whose access token is usable now and is not `refused` (one the server just turned down). */
  session(nowMs: number, refused?: string): Promise<BlueskySession>;
}

export function createSessionKeeper(fetcher: Fetcher, sessions: SessionStore, login: Login): SessionKeeper {
  const key = sessionKey(login);
  const flights = inFlight.get(sessions) ?? new Map<string, Promise<BlueskySession>>();
  inFlight.set(sessions, flights);

  const loginHints: AccessHints = {
    unauthorized: `Bluesky refused the login of "${login.identifier}" at ${login.service}: check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (${HOW})`,
    notFound: `check "service" (${login.service}): it must be the account's PDS or https://bsky.social, which serve /xrpc/com.atproto.server.createSession`,
  };

  async function stored(): Promise<BlueskySession | null> {
    const raw = await sessions.getSession(key);
    if (!raw) return null;
    try {
      const session = storedSessionSchema.safeParse(JSON.parse(raw));
      return session.success ? session.data : null;
    } catch {
      return null;
    }
  }

  async function keep(answer: { data: unknown; url: string }): Promise<BlueskySession> {
    const parsed = sessionAnswerSchema.safeParse(answer.data);
    if (!parsed.success) {
      throw new FetchError('not-a-feed', `not a Bluesky session from ${answer.url}: ${firstIssue(parsed.error)}`, { url: answer.url });
    }
    const { accessJwt, refreshJwt, did, handle, didDoc } = parsed.data;
    const session: BlueskySession = { v: 1, accessJwt, refreshJwt, did, handle, pds: pdsEndpoint(didDoc) };
    await sessions.putSession(key, JSON.stringify(session));
    return session;
  }

  async function create(): Promise<BlueskySession> {
    const url = xrpcUrl(login.service, 'com.atproto.server.createSession');
    try {
      return await keep(await callXrpc(fetcher, { url, json: { identifier: login.identifier, password: login.password } }, loginHints));
    } catch (error) {
      if (error instanceof FetchError && error.details.status === 429) {
        throw new FetchError(
          'http-status',
          `${error.message}: Bluesky allows an account 30 logins per 5 minutes and 100–300 a day; the session is kept in the store, so this happens only when something else logs in with this account too`,
          error.details,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** The refreshed session; null when the refresh token is refused (expired, revoked): a new login is due. */
  async function refresh(previous: BlueskySession): Promise<BlueskySession | null> {
    const url = xrpcUrl(sessionHost(previous, login.service), 'com.atproto.server.refreshSession');
    try {
      const answer = await callXrpc(fetcher, { url, method: 'POST', headers: { Authorization: `Bearer ${previous.refreshJwt}` } }, loginHints);
      return await keep(answer);
    } catch (error) {
      // Anything else (network, 5xx, 429) is passing: the kept session is tried again next pass
      // instead of spending one of the account's few logins.
      if (tokenRefused(error)) return null;
      throw error;
    }
  }

  async function obtain(nowMs: number, refused: string | undefined): Promise<BlueskySession> {
    const kept = await stored();
    if (kept && kept.accessJwt !== refused && usable(kept.accessJwt, nowMs)) return kept;
    if (kept && usable(kept.refreshJwt, nowMs)) {
      const refreshed = await refresh(kept);
      if (refreshed) return refreshed;
    }
    return create();
  }

  return {
    async session(nowMs, refused) {
      // A failure is shared too: one refused login, not one per source.
      let seen: Promise<BlueskySession> | undefined;
      for (let current = flights.get(key); current && current !== seen; current = flights.get(key)) {
        seen = current;
        const shared = await current;
        if (shared.accessJwt !== refused) return shared;
      }
      const flight = obtain(nowMs, refused);
      flights.set(key, flight);
      const forget = () => {
        if (flights.get(key) === flight) flights.delete(key);
      };
      flight.then(forget, forget);
      return flight;
    },
  };
}
