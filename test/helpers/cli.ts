// Runs the built `fanpulse` CLI as a user does (the file package.json's `bin` names, which the test
// setup builds from this tree) in its own process, with a chosen working directory, environment and stdin.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_ENTRY = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'dist', 'cli', 'fanpulse.mjs');

export interface CliRun {
  /** Working directory; default the system temp dir, so a forgotten --data-dir never lands in the repo. */
  cwd?: string;
  /** Added to the inherited environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to the process's stdin, which is then closed. */
  stdin?: string;
  /** Kill the process after this long (a hung CLI fails the test instead of the suite). @default 120_000: only a hung CLI meets it, never a slow machine */
  timeoutMs?: number;
}

export interface CliResult {
  /** Exit code; null when the process died of a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a CLI run sees: the test process's, without the variables that would point the
 * CLI at someone else's store (a developer's DYNAMODB_ENDPOINT must not leak into a test), plus `extra`.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DYNAMODB_ENDPOINT', 'FANPULSE_TABLE', 'FANPULSE_DEBUG']) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs one command to completion. Never rejects on a non-zero exit: the code is the result. */
export function runCli(args: readonly string[], options: CliRun = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      process.execPath,
      [CLI_ENTRY, ...args],
      { cwd: options.cwd ?? tmpdir(), env: cliEnv(options.env), timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number' && !error.signal) {
          reject(error);
          return;
        }
        resolvePromise({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

/** A CLI process left running (e.g. the `poll` loop), with its output collected as it arrives. */
export interface BackgroundCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern`; rejects if the process exits first or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The same for stderr (where long-running commands say where they listen). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (null on a signal) once the process has ended. */
  exited: Promise<number | null>;
}

export function startCli(args: readonly string[], options: Omit<CliRun, 'stdin' | 'timeoutMs'> = {}): BackgroundCli {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: options.cwd ?? tmpdir(), env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8').on('data', (chunk: string) => {
      text[stream] += chunk;
      for (const listener of listeners) listener();
    });
  }
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const waitFor = (stream: 'stdout' | 'stderr') => (pattern: RegExp, timeoutMs = 120_000) =>
    new Promise<void>((resolveWait, reject) => {
      const check = () => {
        if (!pattern.test(text[stream])) return;
        done();
        resolveWait();
      };
      const timer = setTimeout(() => (done(), reject(new Error(`no ${pattern} on ${stream} after ${timeoutMs} ms; stderr: ${text.stderr}`))), timeoutMs);
      const onExit = (code: number | null) => (done(), reject(new Error(`exited (${code}) before ${pattern} on ${stream}; stderr: ${text.stderr}`)));
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
      };
      listeners.add(check);
      child.once('exit', onExit);
      check();
    });
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    waitForStdout: waitFor('stdout'),
    waitForStderr: waitFor('stderr'),
  };
}

/** Lines of a stack trace ("    at fn (file:1:2)"): a user-facing error must have none. */
export const stackTraceLines = (text: string) => text.split('\n').filter((line) => /^\s+at\s/.test(line));
