// The credentials secret read through the real Secrets Manager client (signing, the JSON 1.1
// protocol, error parsing) from a local server in the service's shape (test/helpers/secrets-manager.ts).
// What the user can get wrong is named, and no message ever shows a value.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readPollEnv } from '../../../lambdas/config/env.ts';
import { readSecretCredentials } from '../../../lambdas/config/secrets.ts';
import { ConfigError, FanpulseError } from '../../../lambdas/core/errors.ts';
import { startTestSecretsManager, type TestSecretsManager } from '../../helpers/secrets-manager.ts';

let secrets: TestSecretsManager;
beforeAll(async () => {
  secrets = await startTestSecretsManager();
});
afterAll(() => secrets?.close());
afterEach(() => {
  secrets.failWith(null);
  secrets.calls.length = 0;
});

const env = (extra: Record<string, string> = {}) =>
  readPollEnv({
    FANPULSE_TABLE: 't',
    FANPULSE_CONFIG_FILE: '/var/task/fanpulse.config.json',
    FANPULSE_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
    SECRETS_MANAGER_ENDPOINT: secrets.endpoint,
    AWS_REGION: secrets.region,
    ...extra,
  });

/** The error `read` fails with, checked to show none of `values`. */
async function failure(read: Promise<unknown>, values: string[]): Promise<Error> {
  const error = await read.then(
    () => expect.unreachable('the read should have failed'),
    (e: unknown) => e as Error,
  );
  for (const value of values) expect(`${error.message} ${String((error.cause as Error | undefined)?.message)}`).not.toContain(value);
  return error;
}

describe('readSecretCredentials', () => {
  it('reads nothing, and asks nothing, when the stack names no secret', async () => {
    expect(await readSecretCredentials(env())).toEqual({});
    expect(secrets.calls).toEqual([]);
  });

  it("returns the secret's names and values, asking for it by its ARN", async () => {
    const arn = secrets.putSecretString('fanpulse-full', JSON.stringify({
      REDDIT_CLIENT_ID: 'rid-1',
      REDDIT_CLIENT_SECRET: 'rsecret-1',
      BLUESKY_HANDLE: 'fans.bsky.social',
      BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop',
      YOUTUBE_API_KEY: 'AIza-test-key',
      MASTODON_TOKEN: 'mastodon-token',
      MASTODON_SOCIAL_TOKEN: 'per-source-token',
    }));
    expect(await readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn }))).toEqual({
      REDDIT_CLIENT_ID: 'rid-1',
      REDDIT_CLIENT_SECRET: 'rsecret-1',
      BLUESKY_HANDLE: 'fans.bsky.social',
      BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop',
      YOUTUBE_API_KEY: 'AIza-test-key',
      MASTODON_TOKEN: 'mastodon-token',
      MASTODON_SOCIAL_TOKEN: 'per-source-token',
    });
    expect(secrets.calls).toEqual([arn]);
  });

  it('takes the empty object the stack starts with, and counts empty values as unset', async () => {
    const empty = secrets.putSecretString('fanpulse-empty', '{}');
    expect(await readSecretCredentials(env({ FANPULSE_SECRET_ARN: empty }))).toEqual({});
    const template = secrets.putSecretString('fanpulse-template', '{"YOUTUBE_API_KEY": "AIza-k", "BLUESKY_HANDLE": "", "BLUESKY_APP_PASSWORD": ""}');
    expect(await readSecretCredentials(env({ FANPULSE_SECRET_ARN: template }))).toEqual({ YOUTUBE_API_KEY: 'AIza-k' });
  });

  it('refuses text that is not JSON, without quoting it', async () => {
    const arn = secrets.putSecretString('fanpulse-not-json', 'YOUTUBE_API_KEY=AIza-leaked');
    const error = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn })), ['AIza-leaked', 'YOUTUBE_API_KEY=']);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`the credentials secret ${arn} is not valid JSON: store a JSON object such as {"YOUTUBE_API_KEY": "…", "BLUESKY_HANDLE": "…"} (put-secret-value --secret-string file://credentials.json)`);
    expect(error.cause).toBeUndefined();
  });

  it('refuses JSON that is not an object', async () => {
    const arn = secrets.putSecretString('fanpulse-array', '["AIza-leaked"]');
    const error = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn })), ['AIza-leaked']);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`invalid credentials secret ${arn}:\n  - (top level): must be a JSON object of names and string values such as {"YOUTUBE_API_KEY": "…", "BLUESKY_HANDLE": "…"}, not an array`);
    const text = secrets.putSecretString('fanpulse-string', '"AIza-leaked"');
    expect((await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: text })), ['AIza-leaked'])).message).toContain('not a string');
  });

  it('names each value that is not a string, and what it is instead', async () => {
    const arn = secrets.putSecretString('fanpulse-types', JSON.stringify({ YOUTUBE_API_KEY: 'AIza-ok', MASTODON_TOKEN: 987654321, reddit: { REDDIT_CLIENT_ID: 'rid-leaked' } }));
    const error = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn })), ['987654321', 'rid-leaked', 'AIza-ok']);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`invalid credentials secret ${arn}:\n  - MASTODON_TOKEN: must be a string in quotes, not a number\n  - reddit: must be a string in quotes, not an object`);
  });

  it('refuses half a Reddit pair, with the rule and message of the environment', async () => {
    const half = secrets.putSecretString('fanpulse-half', JSON.stringify({ REDDIT_CLIENT_ID: 'rid-leaked' }));
    const error = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: half })), ['rid-leaked']);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `the credentials secret ${half} (over the function's environment):\n  - REDDIT_CLIENT_SECRET: set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET together (or neither, for the public listings)`,
    );
  });

  it('refuses a binary secret, saying to store text', async () => {
    const arn = secrets.putSecretBinary('fanpulse-binary', Buffer.from('{"YOUTUBE_API_KEY":"AIza-leaked"}'));
    const error = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn })), ['AIza-leaked']);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('holds binary data: store the JSON object as text');
  });

  it("names a secret that does not exist, with the service's own error", async () => {
    const arn = secrets.missingArn('fanpulse-gone');
    const error = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn })), []);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `cannot read the credentials secret ${arn}: it does not exist or has no current value: deploy the stack again (it creates the secret) or set FANPULSE_SECRET_ARN to its ARN (ResourceNotFoundException: Secrets Manager can't find the specified secret.)`,
    );
    expect(secrets.calls).toEqual([arn]);
  });

  it('says what to do when the role may not read it, or it is scheduled for deletion', async () => {
    const arn = secrets.putSecretString('fanpulse-denied', '{}');
    secrets.failWith({ status: 400, type: 'AccessDeniedException', message: 'User: arn:aws:sts::123456789012:assumed-role/PollRole/fn is not authorized to perform: secretsmanager:GetSecretValue' });
    const denied = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn })), []);
    expect(denied).toBeInstanceOf(ConfigError);
    expect(denied.message).toContain("the poll function's role may not read it (secretsmanager:GetSecretValue): deploy the stack again");
    expect(denied.message).toContain('(AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/PollRole/fn is not authorized');

    secrets.failWith({ status: 400, type: 'InvalidRequestException', message: "You can't perform this operation on the secret because it was marked for deletion." });
    const deleted = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn })), []);
    expect(deleted).toBeInstanceOf(ConfigError);
    expect(deleted.message).toContain('restore it with aws secretsmanager restore-secret');
  });

  it('fails a service error after the SDK retries it, naming it, not as a config error', async () => {
    const arn = secrets.putSecretString('fanpulse-down', '{}');
    secrets.failWith({ status: 500, type: 'InternalServiceError', message: 'An error occurred on the server side.' });
    const error = await failure(readSecretCredentials(env({ FANPULSE_SECRET_ARN: arn })), []);
    expect(error).toBeInstanceOf(FanpulseError);
    expect(error).not.toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`cannot read the credentials secret ${arn} now (InternalServiceError: An error occurred on the server side.); the pass fails and Lambda retries it`);
    // The SDK's standard retry mode: three attempts in all.
    expect(secrets.calls).toEqual([arn, arn, arn]);
  });
});
