#!/usr/bin/env node
// `node bin/fanpulse.mjs …` runs the built CLI (dist/cli/, what package.json's `bin` names), which
// `npm ci` makes through `prepare` and `npm run build:cli` remakes after a change to the sources.
// To run the TypeScript sources without building: `npx tsx bin/fanpulse.ts …`.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/fanpulse.mjs', import.meta.url);
if (!existsSync(built)) {
  console.error('fanpulse: the CLI is not built (no dist/cli/fanpulse.mjs): run `npm run build:cli` (npm ci does it)');
  process.exit(1);
}
await import(built.href);
