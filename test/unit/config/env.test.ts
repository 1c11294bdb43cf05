import { describe, expect, it } from 'vitest';
import { readEnv, readPollEnv, redditCredentialsFrom } from '../../../lambdas/config/env.ts';
import { ConfigError } from '../../../lambdas/core/errors.ts';

const lambda = { FANPULSE_TABLE: 'fanpulse', FANPULSE_CONFIG_FILE: '/var/task/fanpulse.config.json', FANPULSE_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts' };

describe('Reddit app credentials in the environment', () => {
  it('are read by the CLI and the poll function when both are set', () => {
    const pair = { REDDIT_CLIENT_ID: 'fp-client-id', REDDIT_CLIENT_SECRET: 'fp-s3cret' };
    expect(redditCredentialsFrom(readEnv(pair))).toEqual({ clientId: 'fp-client-id', clientSecret: 'fp-s3cret' });
    expect(redditCredentialsFrom(readPollEnv({ ...lambda, ...pair }))).toEqual({ clientId: 'fp-client-id', clientSecret: 'fp-s3cret' });
  });

  it('are absent when neither is set, or both are empty: the public listings', () => {
    expect(redditCredentialsFrom(readEnv({}))).toBeUndefined();
    expect(redditCredentialsFrom(readEnv({ REDDIT_CLIENT_ID: '', REDDIT_CLIENT_SECRET: '' }))).toBeUndefined();
    expect(redditCredentialsFrom(readPollEnv(lambda))).toBeUndefined();
  });

  it('fail loudly when only one of the pair is set, naming the missing one', () => {
    expect(() => readEnv({ REDDIT_CLIENT_ID: 'fp-client-id' })).toThrow(ConfigError);
    expect(() => readEnv({ REDDIT_CLIENT_ID: 'fp-client-id' })).toThrow(/REDDIT_CLIENT_SECRET/);
    expect(() => readPollEnv({ ...lambda, REDDIT_CLIENT_SECRET: 'fp-s3cret' })).toThrow(/REDDIT_CLIENT_ID/);
  });
});

describe("the poll function's credentials secret in the environment", () => {
  it('is optional, and read by its ARN with an http(s) endpoint only for tests and emulators', () => {
    expect(readPollEnv(lambda).FANPULSE_SECRET_ARN).toBeUndefined();
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CredentialsSecret40F8BB41-AbCdEfGhIjKl-a1B2c3';
    expect(readPollEnv({ ...lambda, FANPULSE_SECRET_ARN: arn, SECRETS_MANAGER_ENDPOINT: 'http://127.0.0.1:4566' })).toMatchObject({ FANPULSE_SECRET_ARN: arn, SECRETS_MANAGER_ENDPOINT: 'http://127.0.0.1:4566' });
    expect(readPollEnv({ ...lambda, FANPULSE_SECRET_ARN: '', SECRETS_MANAGER_ENDPOINT: '' })).toMatchObject({ FANPULSE_SECRET_ARN: undefined, SECRETS_MANAGER_ENDPOINT: undefined });
    expect(() => readPollEnv({ ...lambda, SECRETS_MANAGER_ENDPOINT: 'localhost:4566' })).toThrow(/SECRETS_MANAGER_ENDPOINT: must be an http\(s\) URL/);
  });
});
