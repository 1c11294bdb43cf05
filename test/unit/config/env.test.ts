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
