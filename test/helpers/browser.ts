// Debian's chromium (apt-get install chromium; .ci/run installs it), driven by playwright-core:
// no browser is downloaded. The flags keep it offline and quiet on a shared CI machine.

import type { LaunchOptions } from 'playwright-core';

export const CHROMIUM: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
