// The source credentials in AWS: one Secrets Manager secret made by the stack (lib/constructs/credentials.ts),
// a JSON object under the same names as the local environment (REDDIT_CLIENT_ID, BLUESKY_HANDLE,
// YOUTUBE_API_KEY, …). Read once per container, when the poll wiring is built; a value pasted later
// takes effect at the next cold start. No message here ever contains a value: they go to the logs.

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { endpointSettings } from '../adapters/aws-endpoint.ts';
import { ConfigError, FanpulseError } from '../core/errors.ts';
import { credentialPairsSchema, type PollEnv } from './env.ts';
import { formatConfigIssues } from './load.ts';

const EXAMPLE = '{"YOUTUBE_API_KEY": "…", "BLUESKY_HANDLE": "…"}';

// Zod's own messages name the types only, never the input; these say what to write instead.
const secretValueSchema = z.record(
  z.string(),
  z.string({ error: (issue) => `must be a string in quotes, not ${kindOf(issue.input)}` }),
  { error: (issue) => `must be a JSON object of names and string values such as ${EXAMPLE}, not ${kindOf(issue.input)}` },
);

/** The secret's names and values (empty ones count as unset); none when the stack names no secret. */
export async function readSecretCredentials(env: PollEnv): Promise<Record<string, string>> {
  const secretId = env.FANPULSE_SECRET_ARN;
  if (secretId === undefined) return {};
  const credentials = parseSecretString(await readSecretString(env, secretId), secretId);
  // The secret's values override the function's environment, so the pair rule holds over both.
  const pairs = credentialPairsSchema.safeParse({ REDDIT_CLIENT_ID: env.REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET: env.REDDIT_CLIENT_SECRET, ...credentials });
  if (!pairs.success) throw new ConfigError(`the credentials secret ${secretId} (over the function's environment):\n${formatConfigIssues(pairs.error)}`);
  return credentials;
}

async function readSecretString(env: PollEnv, secretId: string): Promise<string> {
  const client = new SecretsManagerClient(endpointSettings({ endpoint: env.SECRETS_MANAGER_ENDPOINT, region: env.AWS_REGION }));
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (answer.SecretString === undefined) {
      throw new ConfigError(`the credentials secret ${secretId} holds binary data: store the JSON object as text (put-secret-value --secret-string file://credentials.json)`);
    }
    return answer.SecretString;
  } catch (error) {
    throw error instanceof ConfigError ? error : readFailure(secretId, error);
  } finally {
    client.destroy();
  }
}

/** What the user can do about each documented GetSecretValue error; anything else is retried by Lambda. */
function readFailure(secretId: string, cause: unknown): FanpulseError {
  const { name, message } = cause as Error;
  const fix: Record<string, string> = {
    ResourceNotFoundException: 'it does not exist or has no current value: deploy the stack again (it creates the secret) or set FANPULSE_SECRET_ARN to its ARN',
    AccessDeniedException: "the poll function's role may not read it (secretsmanager:GetSecretValue): deploy the stack again to restore its grant",
    DecryptionFailure: 'Secrets Manager could not decrypt it with its KMS key: check that the aws/secretsmanager key is enabled',
    InvalidRequestException: 'Secrets Manager refused to read it, usually because it is scheduled for deletion: restore it with aws secretsmanager restore-secret',
  };
  const what = fix[name];
  if (what !== undefined) return new ConfigError(`cannot read the credentials secret ${secretId}: ${what} (${name}: ${message})`, { cause });
  return new FanpulseError(`cannot read the credentials secret ${secretId} now (${name}: ${message}); the pass fails and Lambda retries it`, { cause });
}

function parseSecretString(text: string, secretId: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, so it is not passed on.
    throw new ConfigError(`the credentials secret ${secretId} is not valid JSON: store a JSON object such as ${EXAMPLE} (put-secret-value --secret-string file://credentials.json)`);
  }
  const result = secretValueSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid credentials secret ${secretId}:\n${formatConfigIssues(result.error)}`);
  // Like the environment: an empty value is unset, so a template with every name can be pasted as it is.
  return Object.fromEntries(Object.entries(result.data).filter(([, value]) => value !== ''));
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
