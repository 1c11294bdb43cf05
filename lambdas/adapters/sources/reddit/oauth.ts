// Reddit's application-only OAuth (https://github.com/reddit-archive/reddit/wiki/OAuth2, "Application
// Only OAuth"): a bearer token for the app's client id and secret, kept until shortly before it
// expires and shared by every reddit source of the process, so a pass asks for one token, not one per
// source.

import { Buffer } from 'node:buffer';
import { z } from 'zod';
import { FetchError } from '../../../core/errors.ts';
import type { FetchRequest, Fetcher } from '../../../core/ports.ts';
import { getJson, type AccessHints } from '../api/json.ts';

/**
 * Reddit's required form, `<platform>:<app id>:<version> (by /u/<username>)`: default and generic
 * User-Agents are throttled hard or blocked. Keep the version in step with package.json.
 */
export const REDDIT_USER_AGENT = 'nodejs:fanpulse:0.1.0 (by /u/fanpulse-bot)';

/** A token this close to expiry is replaced before use rather than risk a 401 mid-pass. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Reddit's documented token lifetime, for an answer that leaves `expires_in` out. */
const DEFAULT_TOKEN_SECONDS = 3600;

export interface RedditCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AppToken {
  accessToken: string;
  expiresAtMs: number;
}

/** App-only tokens by token endpoint and client id: every reddit source of a process shares one. */
export type RedditTokenCache = Map<string, Promise<AppToken>>;
export const createRedditTokenCache = (): RedditTokenCache => new Map();
export const processTokens = createRedditTokenCache();

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().default(DEFAULT_TOKEN_SECONDS),
});

const TOKEN_HINTS: AccessHints = {
  unauthorized:
    'Reddit refused the app credentials: check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (the id under the app name and its "secret" at https://www.reddit.com/prefs/apps; the app must be a "script" or "web app")',
  notFound: 'no token endpoint there: with baseUrl set, the token is requested from <baseUrl>/api/v1/access_token',
};

export interface AppTokens {
  /** A token valid at `nowMs`; not `rejected`, the one a listing just refused. */
  get(nowMs: number, rejected?: string): Promise<AppToken>;
}

export function appTokens(fetcher: Fetcher, tokenUrl: string, credentials: RedditCredentials, cache: RedditTokenCache): AppTokens {
  const key = `${tokenUrl}\n${credentials.clientId}`;

  async function requestToken(nowMs: number): Promise<AppToken> {
    const request: FetchRequest = {
      url: tokenUrl,
      form: { grant_type: 'client_credentials' },
      headers: {
        'User-Agent': REDDIT_USER_AGENT,
        Authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`,
      },
    };
    const answer = await getJson(fetcher, request, TOKEN_HINTS);
    const token = tokenSchema.safeParse(answer.data);
    if (!token.success) {
      // Reddit answers some refusals with a 200 and {"error": "..."}.
      const error = (answer.data as { error?: unknown } | null)?.error;
      const said = typeof error === 'string' || typeof error === 'number' ? ` (error "${error}")` : '';
      throw new FetchError('http-status', `no access token from ${answer.url}${said}: ${TOKEN_HINTS.unauthorized}`, { url: answer.url });
    }
    return { accessToken: token.data.access_token, expiresAtMs: nowMs + token.data.expires_in * 1000 };
  }

  return {
    async get(nowMs, rejected) {
      const cached = cache.get(key);
      if (cached) {
        const token = await cached.catch(() => null);
        if (token && token.accessToken !== rejected && token.expiresAtMs - TOKEN_REFRESH_MARGIN_MS > nowMs) return token;
        // Another source of this pass may already be fetching the replacement: share it.
        const current = cache.get(key);
        if (current && current !== cached) return current;
      }
      const request = requestToken(nowMs);
      cache.set(key, request);
      // A failed request is not remembered: the next poll asks again.
      request.catch(() => {
        if (cache.get(key) === request) cache.delete(key);
      });
      return request;
    },
  };
}
