// Keys and logins for the source types that need them. They come from the environment locally and
// from the stack's one Secrets Manager secret in AWS (lambdas/config/secrets.ts), under the same
// names, and never from the config file (it is bundled and often committed).

import { FetchError } from '../../../core/errors.ts';

/** Names → values, as in the environment: REDDIT_CLIENT_ID, BLUESKY_HANDLE, YOUTUBE_API_KEY, … */
export type SourceCredentials = Readonly<Record<string, string | undefined>>;

/** The named values, or null when any is unset or empty. */
export function credentialValues<K extends string>(credentials: SourceCredentials, names: readonly K[]): Record<K, string> | null {
  const values = {} as Record<K, string>;
  for (const name of names) {
    const value = credentials[name]?.trim();
    if (!value) return null;
    values[name] = value;
  }
  return values;
}

/**
 * The named values; a `needs-credentials` failure naming what to set when any is missing, so the
 * source shows what the user must do instead of failing against the API every pass.
 */
export function requireCredentials<K extends string>(credentials: SourceCredentials, names: readonly K[], how: string): Record<K, string> {
  const values = credentialValues(credentials, names);
  if (values) return values;
  const missing = names.filter((name) => !credentials[name]?.trim());
  throw new FetchError('needs-credentials', `set ${missing.join(' and ')} (${how}); locally in the environment, in AWS in the stack's credentials secret`);
}
