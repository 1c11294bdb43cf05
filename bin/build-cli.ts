// `npm run build:cli` (and `npm ci`, through `prepare`; the test setup too): compiles the CLI
// (bin/fanpulse.ts and the lambdas/ code it reaches) once with esbuild into dist/cli/, so a run
// starts plain JavaScript instead of transpiling TypeScript through tsx on every start.
//
// Each command stays its own chunk (code splitting keeps the dynamic imports of bin/fanpulse.ts),
// so `--help` and `inspect` never load the store's code. The pure-JavaScript packages every command
// starts with are compiled in (BUNDLED below); the rest load from node_modules as before: dynalite's
// LevelDB is a native addon that cannot be bundled, and the AWS SDK loads only with the store.
//
// dist/cli/ is two folders below the package root, as lambdas/cli/ and lambdas/http/ are: the
// modules that find the shipped config, the demo and the page from `import.meta.url` ('..', '..')
// find them from the built chunks too.

import { readFileSync } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { buildLexicon } from '../lambdas/core/lexicon/build.ts';
import { toPortable } from '../lambdas/core/lexicon/entry.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = join(ROOT, 'dist', 'cli');
/** What package.json's `bin` and `npm start` run. */
export const CLI_FILE = join(CLI_DIR, 'fanpulse.mjs');

/**
 * The npm packages compiled into the CLI: the pure-JavaScript ones that `--help`, `inspect` and every
 * command start with. Loaded from node_modules they cost hundreds of file lookups and reads (zod and
 * feedsmith alone are 240 modules) on every start; bundled, only the code a command reaches is there.
 */
const BUNDLED = new Set(['commander', 'zod', 'feedsmith', 'html-to-text', 'htmlparser2', 'entities', 'sentiment']);

/** Every other package of package.json stays external, a new dependency too until it is added above. */
function externalPackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<'dependencies' | 'devDependencies', Record<string, string>>;
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.has(name));
}

// Bundled CommonJS (sentiment, commander) calls require() for Node's built-ins; an ES module has none of its own.
const REQUIRE_SHIM = "import { createRequire as createRequireForBundledPackages } from 'node:module'; const require = createRequireForBundledPackages(import.meta.url);";

/**
 * zod's `z.locales` holds its error messages in 62 languages (370 KB of the 790 KB it adds to every
 * start); fanpulse speaks English and selects no locale, so the CLI carries only zod's default, `en`.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, ({ path }) => ({
      contents: "export { default as en } from './en.js';",
      loader: 'js',
      resolveDir: dirname(path),
    }));
  },
};

const LEXICONS_MODULE = join(ROOT, 'lambdas', 'core', 'lexicon', 'lexicons.ts');

/** The full lexicon as the built CLI carries it (JSON of lexicon/entry.ts's PortableLexicon). */
export function portableLexicon(): string {
  return JSON.stringify(toPortable(buildLexicon(true)));
}

/**
 * The module the built CLI loads in place of lexicon/lexicons.ts: the full lexicon (VADER's words
 * included), merged here from its sources by lexicon/build.ts and read back with one JSON.parse.
 * Layering its ~11,000 keys cost every start ~60 ms and the garbage it left; the CLI never scores
 * without VADER's words (only bench/sentiment.ts does, from the sources).
 */
function precomputedLexiconsModule(): string {
  return [
    `import { fromPortable } from ${JSON.stringify(join(ROOT, 'lambdas', 'core', 'lexicon', 'entry.ts'))};`,
    `const full = fromPortable(JSON.parse(${JSON.stringify(portableLexicon())}));`,
    'export function lexiconFor(withVader) {',
    '  if (withVader) return full;',
    `  throw new Error(${JSON.stringify("The built CLI carries only the full lexicon; score without VADER's words from the sources (tsx).")});`,
    '}',
  ].join('\n');
}

const precomputedLexicon: Plugin = {
  name: 'precomputed-lexicon',
  setup(build) {
    build.onLoad({ filter: /[\\/]lexicon[\\/]lexicons\.ts$/ }, ({ path }) =>
      path === LEXICONS_MODULE ? { contents: precomputedLexiconsModule(), loader: 'js', resolveDir: dirname(path) } : undefined,
    );
  },
};

/**
 * dom-serializer (html-to-text's, for its HTML formatters) imports only the escapers of its own
 * `entities` (v4): encodeXML, escapeAttribute and escapeText, all in lib/esm/escape.js, which
 * imports nothing. Through the package's index the bundle also carried v4's decoders and its
 * HTML encoder, whose tables (75 KB) are built on every start: the CLI takes the escapers' module.
 */
const domSerializerEscapersOnly: Plugin = {
  name: 'dom-serializer-escapers-only',
  setup(build) {
    build.onResolve({ filter: /^entities$/ }, async ({ importer, resolveDir, kind, pluginData }) => {
      if (pluginData === 'escapers' || !/[\\/]node_modules[\\/]dom-serializer[\\/]/.test(importer)) return undefined;
      const index = await build.resolve('entities', { importer, resolveDir, kind, pluginData: 'escapers' });
      if (index.errors.length > 0 || !/[\\/]lib[\\/]esm[\\/]index\.js$/.test(index.path)) {
        throw new Error(`dom-serializer's entities resolved to ${index.path}: check that lib/esm/escape.js still holds what it imports`);
      }
      return { path: join(dirname(index.path), 'escape.js') };
    });
  },
};

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
    external: externalPackages(),
    sourcemap: true,
    // Stack traces (FANPULSE_DEBUG) point at the TypeScript lines without shipping the sources twice.
    sourcesContent: false,
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_SHIM}` },
    logLevel: 'warning',
    metafile: true,
    plugins: [zodEnglishOnly, precomputedLexicon, domSerializerEscapersOnly],
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
