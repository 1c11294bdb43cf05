// A reader that stops early (`fanpulse trends --format csv | head -1`) closes the pipe: the CLI must
// end quietly, with no EPIPE stack trace. A data dir that cannot be used is the user's to fix: a usage error.

import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_ENTRY, cliEnv, runCli, stackTraceLines } from '../../helpers/cli.ts';

const VALID_CONFIG = fileURLToPath(new URL('../../fixtures/configs/valid.json', import.meta.url));

describe('output into a closed pipe', () => {
  it('exits 0 without a stack trace', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-epipe-'));
    const child = spawn(process.execPath, [CLI_ENTRY, 'trends', '--format', 'csv', '--since', '2w', '--config', VALID_CONFIG, '--data-dir', dataDir], {
      cwd: tmpdir(),
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the CLI writes anything: its write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/EPIPE/);
    expect(stackTraceLines(stderr)).toEqual([]);
  });
});

describe('a --data-dir that cannot hold the store', () => {
  it('is a usage error naming the path and what to check, for a file and for a path under a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-datadir-'));
    const file = join(dir, 'notes.txt');
    await writeFile(file, 'not a folder');
    for (const [dataDir, hint] of [[file, 'it is a file: give a folder'], [join(file, 'data'), 'it, or a folder above it, is a file: give a folder']] as const) {
      const result = await runCli(['trends', '--config', VALID_CONFIG, '--data-dir', dataDir]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toBe(`fanpulse: --data-dir ${dataDir} cannot hold the store: ${hint}\n`);
    }
  });
});
