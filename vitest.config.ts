import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The dashboard page (web/ → web/dist) and the CLI (→ dist/cli) built from this tree before any test uses them.
    globalSetup: ['test/setup/build-page.ts', 'test/setup/build-cli.ts'],
    // Integration tests start real servers (dynalite, fauxqs, HTTP); give them room on a 2-core machine.
    testTimeout: 180_000, // a safety net for a hung test, never a race with a loaded machine
    hookTimeout: 180_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
