// Deploy-time choices, from CDK context (`-c key=value`, or `context` in cdk.json), validated before
// anything is built. The monitor config goes through the CLI's own loader and zod schema, so a bad
// config fails `cdk synth` with the message `fanpulse` would print.

import { resolve } from 'node:path';
import type { Node } from 'constructs';
import { z } from 'zod';
import { loadConfig, formatConfigIssues } from '../lambdas/config/load.ts';
import type { Config } from '../lambdas/config/schema.ts';
import { ConfigError } from '../lambdas/core/errors.ts';
import { PROJECT_ROOT } from './constructs/node-function.ts';

export const DEFAULT_STACK_NAME = 'Fanpulse';
export const SHIPPED_CONFIG = resolve(PROJECT_ROOT, 'fanpulse.config.json');

export interface DeploySettings {
  readonly stackName: string;
  /** Each gets an e-mail subscription to the alert topic. */
  readonly alertEmails: readonly string[];
  /** Absolute path of the validated config file, bundled with the functions. */
  readonly configFile: string;
  readonly config: Config;
  /** Minutes between poll passes. */
  readonly pollRateMinutes: number;
  readonly publicApi: boolean;
  /** Keep the table when the stack is deleted. */
  readonly retainData: boolean;
  /** A CloudWatch dashboard ($3 a month beyond the account's three free ones). */
  readonly dashboard: boolean;
}

// `-c` values arrive as strings; cdk.json context may hold real booleans and numbers.
const flag = (name: string) =>
  z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: `${name} must be true or false` });

const pollRate = z.coerce
  .number({ error: 'must be a whole number of minutes' })
  .int({ error: 'must be a whole number of minutes' })
  .min(1, { error: 'must be at least 1 minute' })
  // The "has not run for two periods" alarm watches a 2 × pollRate period; CloudWatch allows a day.
  .max(720, { error: 'must be at most 720 minutes (12 hours) in AWS' });

const contextSchema = z.object({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { error: 'must start with a letter and hold only letters, digits and "-" (a CloudFormation stack name)' })
    .default(DEFAULT_STACK_NAME),
  alertEmail: z
    .string({ error: 'must be one or more e-mail addresses, comma separated' })
    .transform((v) => v.split(',').map((address) => address.trim()).filter(Boolean))
    .pipe(z.array(z.email({ error: 'each address must be an e-mail address such as ops@example.org' })))
    .optional(),
  config: z.string().min(1).optional(),
  pollRate: pollRate.optional(),
  publicApi: flag('publicApi').default(false),
  retainData: flag('retainData').default(true),
  dashboard: flag('dashboard').default(false),
});

type ContextReader = Pick<Node, 'tryGetContext'>;

export async function readDeploySettings(node: ContextReader): Promise<DeploySettings> {
  const raw = Object.fromEntries(
    ['stackName', 'alertEmail', 'config', 'pollRate', 'publicApi', 'retainData', 'dashboard'].map((key) => [key, node.tryGetContext(key) ?? undefined]),
  );
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid deploy context (-c key=value):\n${formatConfigIssues(parsed.error)}`);
  const context = parsed.data;
  const configFile = context.config ? resolve(context.config) : SHIPPED_CONFIG;
  const config = await loadConfig(configFile);
  // Unless asked otherwise, AWS polls as often as the config tells the CLI to.
  const rate = pollRate.safeParse(context.pollRate ?? config.poll.intervalMinutes);
  if (!rate.success) {
    throw new ConfigError(`invalid poll rate: poll.intervalMinutes of ${configFile} ${rate.error.issues[0]!.message}; set -c pollRate=MINUTES`);
  }
  return {
    stackName: context.stackName,
    alertEmails: context.alertEmail ?? [],
    configFile,
    config,
    pollRateMinutes: rate.data,
    publicApi: context.publicApi,
    retainData: context.retainData,
    dashboard: context.dashboard,
  };
}
