// Vitest global setup: compiles the CLI from this tree once before any test file runs, so every
// test that spawns `fanpulse` (test/helpers/cli.ts, bin/fanpulse.mjs) runs the code it is testing,
// built the way `npm ci` builds it for a user.

import { buildCli } from '../../bin/build-cli.ts';

export default async function setup(): Promise<void> {
  await buildCli();
}
