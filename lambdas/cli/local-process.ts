// This CLI process as the pass lock records it, and whether another process of this machine still runs.

import { hostname } from 'node:os';
import type { LockProcess } from '../core/ports.ts';

export function localProcess(): LockProcess & { isRunning(pid: number): boolean } {
  return { host: hostname(), pid: process.pid, isRunning };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
