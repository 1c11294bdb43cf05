// The dashboard page (web/, built by esbuild into web/dist/) over HTTP: `fanpulse serve` and the
// public query Lambda answer every GET that is not an API route through `answerPage`. Only the
// built files named below are ever read, by a fixed name, so no request path reaches the disk:
// anything else is null (the caller's 404), whatever dots or slashes it holds.

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpResponse } from './query-api.ts';

/** Request path → the built file that answers it. The build (web/build.ts) makes exactly these. */
export const PAGE_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/boot.js': { file: 'boot.js', type: 'text/javascript; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
} as const satisfies Record<string, { file: string; type: string }>;

export type PagePath = keyof typeof PAGE_FILES;

/** Where `npm run build:web` leaves the page in a clone or an installed package. */
export const LOCAL_PAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

// The page builds its DOM from data with textContent; the policy is the second wall: no inline
// script, nothing from another origin, so even an escaping bug could not run a post's markup.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Unhashed names: the browser revalidates, so a rebuilt page is never mixed with an old script.
  'cache-control': 'no-cache',
};

export const isPagePath = (path: string): path is PagePath => Object.hasOwn(PAGE_FILES, path);

/**
 * Answers the page's own paths from `dir`, null for every other path. A page that was never built
 * is a 503 that says how to build it: building here would need esbuild, a development tool that
 * neither an installed package nor the Lambda carries.
 */
export function createPageAnswer(dir: string): (path: string) => Promise<HttpResponse | null> {
  return async (path) => {
    if (!isPagePath(path)) return null;
    const { file, type } = PAGE_FILES[path];
    try {
      return { status: 200, headers: { 'content-type': type, ...PAGE_HEADERS }, body: await readFile(join(dir, file), 'utf8') };
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code !== 'ENOENT') throw caught;
      return {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: `The dashboard page is not built (no ${file} in ${dir}): run \`npm run build:web\` (npm ci runs it).\n`,
      };
    }
  };
}

/** The page of this clone or package (web/dist), for `fanpulse serve`. */
export const answerPage = createPageAnswer(LOCAL_PAGE_DIR);
