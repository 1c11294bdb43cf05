// Fault injection for delivery tests: a store that "crashes the process" after its Nth call, and
// channels that crash it right after their Nth accepted send (an alert or a digest).

import type { AlertChannel, Store } from '../../lambdas/core/ports.ts';

/** The store as a process sees it: after `crashAfter` calls (or once `die()` is called) every call throws. */
export function crashingStore(store: Store, crashAfter: number) {
  let calls = 0;
  let dead = false;
  const wrapped = new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (dead) throw new Error('the process has crashed');
        const result = await value.apply(target, args);
        if (++calls === crashAfter) {
          dead = true;
          throw new Error(`injected crash after store call ${crashAfter}`);
        }
        return result;
      };
    },
  });
  return { store: wrapped, calls: () => calls, die: () => void (dead = true) };
}

/** The channels, dying right after their `crashAfterSend`th accepted send (counted across all, alerts and digests). */
export function dyingAfterSend(channels: readonly AlertChannel[], crashAfterSend: number, die: () => void): AlertChannel[] {
  let sends = 0;
  const counted = () => {
    if (++sends === crashAfterSend) die();
  };
  return channels.map((channel) => ({
    ...channel,
    async send(a) {
      await channel.send(a);
      counted();
    },
    async sendDigest(d) {
      await channel.sendDigest(d);
      counted();
    },
  }));
}
