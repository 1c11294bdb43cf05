// A SessionStore kept in memory: for `fanpulse inspect`, which stores nothing, and for tests of a
// single process. Polls keep sessions in the trend store instead, shared across passes and processes.

import type { SessionStore } from '../../../core/ports.ts';

export function createMemorySessions(): SessionStore {
  const sessions = new Map<string, string>();
  return {
    getSession: async (key) => sessions.get(key) ?? null,
    putSession: async (key, value) => void sessions.set(key, value),
  };
}
