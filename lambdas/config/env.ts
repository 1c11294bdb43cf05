// The environment, read once and typed. Empty strings count as unset; nothing defaults to ''.

import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { formatConfigIssues } from './load.ts';

const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const envSchema = z.object({
  /** Any DynamoDB endpoint (DynamoDB Local, a dynalite you run); unset = embedded or AWS. */
  DYNAMODB_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), z.url({ error: 'must be a URL such as http://127.0.0.1:8000' }).optional()),
  /** A deployed or existing table; unset = the embedded store's own table. */
  FANPULSE_TABLE: optional,
  AWS_REGION: optional,
  AWS_DEFAULT_REGION: optional,
});

export type Env = z.output<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) throw new ConfigError(`invalid environment:\n${formatConfigIssues(result.error)}`);
  return result.data;
}
