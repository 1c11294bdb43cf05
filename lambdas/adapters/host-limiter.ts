// A per-host FIFO semaphore: politeness towards each server, without a dependency.
// Tasks for the same host beyond the limit wait their turn in arrival order; other hosts are unaffected.

export interface HostLimiter {
  /** Runs `task` once `host` has a free slot, and frees the slot when it settles. */
  run<T>(host: string, task: () => Promise<T>): Promise<T>;
}

interface HostSlots {
  active: number;
  waiting: (() => void)[];
}

export function createHostLimiter(limit: number): HostLimiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`per-host concurrency must be a whole number of at least 1, got ${limit}`);
  }
  // Only hosts with work in flight are kept, so a long-running poller does not accumulate entries.
  const hosts = new Map<string, HostSlots>();

  async function acquire(host: string): Promise<void> {
    let slots = hosts.get(host);
    if (!slots) {
      slots = { active: 0, waiting: [] };
      hosts.set(host, slots);
    }
    if (slots.active < limit) {
      slots.active += 1;
      return;
    }
    const queue = slots.waiting;
    // The releasing task hands its slot straight to us, so `active` is not touched here.
    await new Promise<void>((resolve) => queue.push(resolve));
  }

  function release(host: string): void {
    const slots = hosts.get(host);
    if (!slots) return;
    const next = slots.waiting.shift();
    if (next) {
      next();
      return;
    }
    slots.active -= 1;
    if (slots.active === 0) hosts.delete(host);
  }

  return {
    async run(host, task) {
      await acquire(host);
      try {
        return await task();
      } finally {
        release(host);
      }
    },
  };
}
