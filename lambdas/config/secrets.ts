// The source credentials in AWS: one Secrets Manager secret made by the stack, a JSON object under the
// same names as the local environment (REDDIT_CLIENT_ID, BLUESKY_HANDLE, YOUTUBE_API_KEY, …).

import type { PollEnv } from './env.ts';

/** The secret's keys and values; none when the stack names no secret. (Being built: see issue 8.) */
export async function readSecretCredentials(_env: PollEnv): Promise<Record<string, string>> {
  return {};
}
