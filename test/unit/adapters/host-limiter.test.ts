import { describe, expect, it } from 'vitest';
import { createHostLimiter } from '../../../lambdas/adapters/host-limiter.ts';

/** A task that runs until the test finishes it, recording when it started. */
function gate(log: string[], name: string) {
  let finish: (outcome?: Error) => void = () => undefined;
  const task = () =>
    new Promise<string>((resolve, reject) => {
      log.push(name);
      finish = (outcome) => (outcome ? reject(outcome) : resolve(name));
    });
  return { task, finish: (outcome?: Error) => finish(outcome) };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createHostLimiter', () => {
  it('starts queued tasks for a host in arrival order as slots free up', async () => {
    const limiter = createHostLimiter(1);
    const started: string[] = [];
    const [a, b, c] = [gate(started, 'a'), gate(started, 'b'), gate(started, 'c')];

    const results = [limiter.run('h', a.task), limiter.run('h', b.task), limiter.run('h', c.task)];
    await settle();
    expect(started).toEqual(['a']);

    a.finish();
    await settle();
    expect(started).toEqual(['a', 'b']);

    b.finish();
    await settle();
    c.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('lets other hosts run while one host is full', async () => {
    const limiter = createHostLimiter(1);
    const started: string[] = [];
    const busy = gate(started, 'busy');

    const held = limiter.run('a.example', busy.task);
    await expect(limiter.run('b.example', async () => 'free')).resolves.toBe('free');

    busy.finish();
    await held;
  });

  it('frees the slot when a task fails', async () => {
    const limiter = createHostLimiter(1);

    await expect(limiter.run('h', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('h', async () => 'next')).resolves.toBe('next');
  });

  it('refuses a limit below 1', () => {
    expect(() => createHostLimiter(0)).toThrow(RangeError);
  });
});
