// Debian's chromium (apt-get install chromium; .ci/run installs it), driven by playwright-core:
// no browser is downloaded. The flags keep it offline and quiet on a shared CI machine.

import type { LaunchOptions } from 'playwright-core';

export const CHROMIUM: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** The address `fanpulse serve` prints once it listens ("serving the dashboard and API at http://…/"). */
export async function serveUrl(serve: { stderr(): string; exited: Promise<number | null> }, timeoutMs = 60_000): Promise<string> {
  let ended = false;
  void serve.exited.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /serving the dashboard and API at (http:\/\/\S+\/)/.exec(serve.stderr());
    if (match) return match[1]!;
    if (ended) throw new Error(`fanpulse serve exited before listening: ${serve.stderr()}`);
    if (Date.now() > deadline) throw new Error(`fanpulse serve printed no address within ${timeoutMs} ms: ${serve.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
