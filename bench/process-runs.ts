// Timing whole processes for the benches: wall time (what a user waits for) and, on Linux, the CPU
// time the child used (from this process's reaped-children counters), which a busy shared machine
// disturbs far less than the wall clock.

import { spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildCli, CLI_FILE } from '../bin/build-cli.ts';

export interface ProcessRun {
  wallMs: number;
  /** User + system CPU of the child; null where /proc is not available. */
  cpuMs: number | null;
  status: number | null;
  stderr: string;
}

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux build in use. */
const TICKS_PER_SECOND = 100;

function childrenCpuMs(): number | null {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): cutime is the 14th, cstime the 15th.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Runs a command to its end, stdout discarded. Asynchronous, so servers in this process (local feeds) keep answering it. */
export async function timeProcess(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<ProcessRun> {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', (code) => resolve(code)));
  const wallMs = performance.now() - start;
  const cpuAfter = childrenCpuMs();
  return { wallMs, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore, status, stderr };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The CLI as package.json's `bin` names it, built from this tree first so the figures are of this code. */
export async function builtCli(): Promise<string> {
  await buildCli();
  return CLI_FILE;
}
