// Benchmarks read the public evaluation data from ../shared/reference when it is there;
// it is never copied into the project.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of a reference data set, or null (with a note on stdout) when absent. */
export function referencePath(...parts: string[]): string | null {
  const root = process.env.FANPULSE_REFERENCE_DIR ?? join(projectRoot, '..', 'shared', 'reference');
  const path = join(root, ...parts);
  if (!existsSync(path)) {
    console.log(`  (skipped: reference data ${path} is not present; set FANPULSE_REFERENCE_DIR to its folder)`);
    return null;
  }
  return path;
}
