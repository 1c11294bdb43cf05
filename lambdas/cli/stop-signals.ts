// Ctrl-C and SIGTERM for the commands that poll: the first asks the pass to stop (fetches in flight
// are aborted, the lock released, nothing half-counted stored); a second quits at once, like a shell expects.

/** Exit code of a process ended by SIGINT (128 + 2), as shells report it. */
const QUIT_AT_ONCE = 130;

export interface StopSignals {
  signal: AbortSignal;
  dispose(): void;
}

export function listenForStop(say: (message: string) => void): StopSignals {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(QUIT_AT_ONCE);
    say('stopping (press Ctrl-C again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
