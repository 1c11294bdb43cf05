// Benchmarks read the public evaluation data from ../shared/reference when it is there;
// it is never copied into the project.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function referenceRoot(): string {
  return process.env.FANPULSE_REFERENCE_DIR ?? join(projectRoot, '..', 'shared', 'reference');
}

/** Absolute path of a reference data set, or null (with a note on stdout) when absent. */
export function referencePath(...parts: string[]): string | null {
  const path = join(referenceRoot(), ...parts);
  if (!existsSync(path)) {
    console.log(`  (skipped: reference data ${path} is not present; set FANPULSE_REFERENCE_DIR to its folder)`);
    return null;
  }
  return path;
}

/**
 * A reference file looked for under the reference folder first, then in the folder named by the
 * environment variable `envDir` (data sets we may read but not copy into shared/reference);
 * null, with a note saying where it was looked for, when it is in neither.
 */
export function optionalReferencePath(parts: string[], envDir: string): string | null {
  const candidates = [join(referenceRoot(), ...parts)];
  const extra = process.env[envDir];
  if (extra) candidates.push(join(extra, parts[parts.length - 1]!));
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    console.log(`  (skipped: ${parts[parts.length - 1]} is in neither ${candidates.join(' nor ')}; set ${envDir} to the folder holding it)`);
  }
  return found ?? null;
}
