// `npm run build:web` (and `npm ci`, through `prepare`): bundles the dashboard page into web/dist/
// with esbuild — the script, uPlot and the styles in one file each (and boot.js, the first requests),
// minified, nothing from a CDN —
// and checks that it made exactly the files the server hands out (lambdas/http/static-page.ts).

import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { LOCAL_PAGE_DIR, PAGE_FILES } from '../lambdas/http/static-page.ts';

const WEB_DIR = dirname(fileURLToPath(import.meta.url));

export async function buildPage(outDir: string = LOCAL_PAGE_DIR): Promise<void> {
  // Built beside the target, then swapped in: a server reading the old page never sees half a new one.
  const staging = `${outDir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const common: BuildOptions = {
    outdir: staging,
    bundle: true,
    minify: true,
    // Browsers of the last few years, phones included; nothing here needs newer syntax.
    target: ['chrome100', 'firefox100', 'safari15'],
    legalComments: 'none',
    logLevel: 'warning',
  };
  await Promise.all([
    build({ ...common, entryPoints: { app: join(WEB_DIR, 'src', 'main.ts') }, format: 'esm' }),
    // A classic script: it runs from <head> as soon as it arrives (web/src/boot.ts says why).
    build({ ...common, entryPoints: { boot: join(WEB_DIR, 'src', 'boot.ts') }, format: 'iife' }),
  ]);
  await copyFile(join(WEB_DIR, 'index.html'), join(staging, 'index.html'));
  const made = (await readdir(staging)).sort();
  const expected = Object.values(PAGE_FILES).map((f) => f.file).sort();
  if (made.join() !== expected.join()) throw new Error(`the page build made ${made.join(', ')}; the server hands out ${expected.join(', ')}`);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(dirname(outDir), { recursive: true });
  await rename(staging, outDir);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildPage();
  console.log(`dashboard page built into ${LOCAL_PAGE_DIR}`);
}
