// Vitest global setup: builds the dashboard page from web/ once before any test file runs, so the
// browser tests, the page server tests and the public-API synth always use the page of this tree.

import { buildPage } from '../../web/build.ts';

export default async function setup(): Promise<void> {
  await buildPage();
}
