// `npm run build:cli` (and `npm ci`, through `prepare`; the test setup too): compiles the CLI
// (bin/fanpulse.ts and the lambdas/ code it reaches) once with esbuild into dist/cli/, so a run
// starts plain JavaScript instead of transpiling TypeScript through tsx on every start.
//
// Each command stays its own chunk (code splitting keeps the dynamic imports of bin/fanpulse.ts),
// so `--help` and `inspect` never load the store's code. npm packages stay outside the bundle and
// load from node_modules as before: dynalite's LevelDB is a native addon that cannot be bundled.
//
// dist/cli/ is two folders below the package root, as lambdas/cli/ and lambdas/http/ are: the
// modules that find the shipped config, the demo and the page from `import.meta.url` ('..', '..')
// find them from the built chunks too.

import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = join(ROOT, 'dist', 'cli');
/** What package.json's `bin` and `npm start` run. */
export const CLI_FILE = join(CLI_DIR, 'fanpulse.mjs');

/** Builds the CLI into `outDir`; returns esbuild's metafile (what each output file imports, statically or lazily). */
export async function buildCli(outDir: string = CLI_DIR): Promise<Metafile> {
  // Built beside the target, then swapped in: a CLI started during a rebuild never loads half of one.
  const staging = `${outDir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const { metafile } = await build({
    entryPoints: { fanpulse: join(ROOT, 'bin', 'fanpulse.ts') },
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    sourcemap: true,
    // Stack traces (FANPULSE_DEBUG) point at the TypeScript lines without shipping the sources twice.
    sourcesContent: false,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
    metafile: true,
  });
  await chmod(join(staging, 'fanpulse.mjs'), 0o755);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(dirname(outDir), { recursive: true });
  await rename(staging, outDir);
  return metafile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildCli();
  console.log(`fanpulse CLI built into ${CLI_DIR}`);
}
