// The CDK app, what cdk.json runs (`npx tsx bin/app.ts`): `npx cdk synth|deploy -c alertEmail=…`.
// A bad config or context stops synthesis with the same field-naming message the CLI prints.

import { createFanpulseApp } from '../lib/app.ts';
import { ConfigError } from '../lambdas/core/errors.ts';

try {
  await createFanpulseApp();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`fanpulse: ${error.message}`);
  process.exit(1);
}
