// Starts a real HTTP server on 127.0.0.1 for a test, with routes as plain handlers.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../lambdas/adapters/loopback-server.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Requests seen, in order: method, path and headers. */
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  /** Replace or add a route while the server runs. */
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

export async function startTestServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const handler = table.get(path);
    if (!handler) {
      res.writeHead(404).end('not found');
      return;
    }
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, requests, route: (path, handler) => void table.set(path, handler), close };
}
