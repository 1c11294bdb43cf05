// The built CLI (bin/build-cli.ts): what package.json's `bin` runs, and what each start loads.
// Start-up time is measured by `npm run bench -- feeds`, never asserted here; what is held here is
// the cause: which npm packages a command's module graph imports before it runs.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, CLI_FILE } from '../../bin/build-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** The package a node_modules path or a bare import belongs to ("@aws-sdk/client-dynamodb", "zod"). */
function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  const name = at === -1 ? path : path.slice(at + 'node_modules/'.length);
  return name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!;
}

/**
 * The npm packages (not node: built-ins) loaded before the module in `source` runs, static imports
 * only: those imported from node_modules and those compiled into the chunks it loads.
 */
function packagesLoadedWith(metafile: Metafile, source: string): string[] {
  const start = Object.keys(metafile.outputs).find((output) => source in metafile.outputs[output]!.inputs);
  expect(start, `an output holding ${source}`).toBeDefined();
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [start!];
  while (pending.length) {
    const output = pending.pop()!;
    if (seen.has(output)) continue;
    seen.add(output);
    for (const input of Object.keys(metafile.outputs[output]!.inputs)) if (input.includes('node_modules/')) packages.add(packageOf(input));
    for (const imported of metafile.outputs[output]!.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (!imported.external) pending.push(imported.path);
      else if (!imported.path.startsWith('node:')) packages.add(packageOf(imported.path));
    }
  }
  return [...packages].sort();
}

describe('the built CLI', () => {
  let dir: string;
  let metafile: Metafile;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-build-'));
    metafile = await buildCli(join(dir, 'cli'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is what package.json names as the fanpulse command, and runs as a program on its own (shebang, executable)', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.fanpulse).toBe(relative(ROOT, CLI_FILE));
    // The test setup built dist/cli from this tree.
    const { stdout } = await run(CLI_FILE, ['--help'], { env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}` } });
    for (const command of ['poll', 'trends', 'inspect', 'demo']) expect(stdout).toContain(command);
  });

  it('answers --help with commander alone: no zod, no pipeline, no store', () => {
    expect(packagesLoadedWith(metafile, 'bin/fanpulse.ts')).toEqual(['commander']);
  });

  it('inspects a feed without loading the store (AWS SDK, dynalite) or the API sources (marked)', () => {
    const loaded = packagesLoadedWith(metafile, 'lambdas/cli/commands/inspect.ts');
    expect(loaded).toContain('feedsmith');
    expect(loaded.filter((name) => name.startsWith('@aws-sdk') || name === 'dynalite' || name === 'marked')).toEqual([]);
  });

  it("carries zod's English messages only, and a config error still reads in them", async () => {
    const locales = Object.values(metafile.outputs)
      .flatMap((output) => Object.keys(output.inputs))
      .filter((input) => input.includes('zod/v4/locales/'))
      .map((input) => input.slice(input.lastIndexOf('/') + 1));
    expect(locales.sort()).toEqual(['en.js', 'index.js']);

    const config = JSON.parse(await readFile(join(ROOT, 'fanpulse.config.json'), 'utf8')) as { topics: { keywords: unknown[] }[] };
    config.topics[0]!.keywords = [42];
    const file = join(dir, 'bad-config.json');
    await writeFile(file, JSON.stringify(config));
    const failed = await run(process.execPath, [CLI_FILE, 'inspect', join(ROOT, 'package.json'), '--config', file]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('topics[0].keywords[0]: Invalid input: expected string, received number');
  });

  it('loads the store for the commands that read it', () => {
    expect(packagesLoadedWith(metafile, 'lambdas/cli/store-connection.ts')).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', 'dynalite']));
  });
});
