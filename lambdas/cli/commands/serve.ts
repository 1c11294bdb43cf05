// `fanpulse serve`: the read-only HTTP API (the query Lambda's routes) and the dashboard page on a
// local HTTP server, over the same store the other commands use (embedded, joined, or a deployed
// table with FANPULSE_TABLE). Binds 127.0.0.1 unless told otherwise; GET only.

import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { createAnswerCache } from '../../http/answer-cache.ts';
import { answerQuery, type HttpRequest } from '../../http/query-api.ts';
import { answerPage } from '../../http/static-page.ts';
import { parseParams } from '../../query/params.ts';
import { UsageError } from '../../core/errors.ts';
import { readConfig, type CommonOptions } from '../context.ts';
import { openLastingStore } from '../lasting-store.ts';
import { readView, trendsQuery } from '../../../web/src/view.ts';

export const serveOptionsSchema = z.strictObject({
  port: z.coerce.number({ error: 'must be a port number from 0 to 65535' }).int().min(0).max(65_535, { error: 'must be a port number from 0 to 65535' }).default(8787),
  host: z.string().min(1).default('127.0.0.1'),
  open: z.boolean().default(false),
});

interface ServeOptions extends CommonOptions {
  port?: string;
  host?: string;
  open?: boolean;
}

export async function run(options: ServeOptions): Promise<string> {
  const { config: _config, dataDir: _dataDir, now: _now, ...flags } = options;
  const settings = parseParams(serveOptionsSchema, flags);
  const config = await readConfig(options);
  const store = await openLastingStore(options, (where) => console.error(`fanpulse: the store's server went away; now using the ${where}`));
  const cache = createAnswerCache();
  const deps = async () => ({ config, store: store.store, cache });

  const server = createServer((req, res) => {
    void answer(req, res).catch((error: unknown) => {
      console.error(`fanpulse: internal error answering ${req.url}: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal error"}');
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request: HttpRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) };
    const logInternal = (error: unknown, status: number) => console.error(`fanpulse: ${request.method} ${request.path} answered ${status}: ${(error as Error).message}`);
    const response = await answerQuery(request, deps, new Date(), logInternal, answerPage);
    res.writeHead(response.status, response.headers).end(response.body);
  }

  try {
    await listen(server, settings.port, settings.host);
  } catch (error) {
    await store.close();
    throw error;
  }
  await readDefaultView(answerQuery, deps);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}/`;
  console.error(`fanpulse: serving the dashboard and API at ${url} from the ${store.where()}; Ctrl-C to stop`);
  if (settings.host !== '127.0.0.1' && settings.host !== 'localhost' && settings.host !== '::1') {
    console.error(`fanpulse: note: listening on ${settings.host}: anyone who can reach this address can read the campaign's data`);
  }
  if (settings.open) openBrowser(url);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  return 'stopped\n';
}

/**
 * Reads the page's default view once before the address is announced: the first visitor's chart is
 * then answered from the cache (exact: it is re-read as soon as anything is written), and the
 * process and the store are warm. A failure here is the first request's to report, not start-up's.
 */
async function readDefaultView(answer: typeof answerQuery, deps: Parameters<typeof answerQuery>[1]): Promise<void> {
  const query = Object.fromEntries(Object.entries(trendsQuery(readView(''), null)).filter((entry): entry is [string, string] => entry[1] !== null));
  await answer({ method: 'GET', path: '/trends', query }, deps, new Date(), () => {}).catch(() => {});
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new UsageError(`port ${port} on ${host} is in use: pick another with --port (0 picks a free one)`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new UsageError(`--host ${host} is not an address of this machine`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}

/** The platform's opener; a machine without one just keeps the printed URL. */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`fanpulse: could not open a browser; open ${url}`));
  child.unref();
}
