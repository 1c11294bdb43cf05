import type { ServerResponse } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetcher, DEFAULT_ACCEPT, type HttpFetcherOptions } from '../../../lambdas/adapters/http-fetcher.ts';
import { FetchError } from '../../../lambdas/core/errors.ts';
import type { FetchResponse } from '../../../lambdas/core/ports.ts';
import { startTestServer, type TestServer } from '../../helpers/http-server.ts';

const USER_AGENT = 'fanpulse-test/0.1 (integration tests; +https://example.test/fanpulse)';
const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Bosch Pit</title></channel></rss>';

// Generous for ordinary exchanges so a busy machine cannot flake them; the timeout tests pass their own 300 ms.
function fetcher(overrides: Partial<HttpFetcherOptions> = {}) {
  return createHttpFetcher({ timeoutMs: 10_000, maxBytes: 100_000, perHostConcurrency: 4, userAgent: USER_AGENT, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a FetchError, got a response: ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

function body(response: FetchResponse): string {
  if (response.notModified) throw new Error('expected a 200, got 304');
  return response.body.toString('utf8');
}

/** Keeps writing until the client goes away, honouring backpressure. */
function writeForever(res: ServerResponse, chunk: Buffer): void {
  let open = true;
  res.on('close', () => {
    open = false;
  });
  const pump = () => {
    while (open && res.write(chunk));
    if (open) res.once('drain', pump);
  };
  pump();
}

let server: TestServer;
let other: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  other = await startTestServer({ '/feed': (_req, res) => res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(FEED) });
});

afterAll(async () => {
  await server?.close();
  await other?.close();
});

const seen = (path: string) => server.requests.filter((request) => request.path === path);

describe('createHttpFetcher', () => {
  describe('a successful GET', () => {
    it('returns the body, validators, content type and final URL of a 200', async () => {
      server.route('/ok', (_req, res) =>
        res
          .writeHead(200, {
            'Content-Type': 'application/rss+xml; charset=utf-8',
            ETag: '"v1"',
            'Last-Modified': 'Thu, 27 Mar 2025 08:00:00 GMT',
          })
          .end(FEED),
      );

      const response = await fetcher().get({ url: `${server.url}/ok` });

      expect(response).toEqual({
        notModified: false,
        url: `${server.url}/ok`,
        status: 200,
        body: Buffer.from(FEED),
        contentType: 'application/rss+xml; charset=utf-8',
        etag: '"v1"',
        lastModified: 'Thu, 27 Mar 2025 08:00:00 GMT',
        headers: expect.objectContaining({ etag: '"v1"', 'content-type': 'application/rss+xml; charset=utf-8' }),
      });
    });

    it('sends extra request headers and hands back every response header', async () => {
      server.route('/api', (_req, res) => res.writeHead(200, { 'X-Ratelimit-Remaining': '99' }).end('{}'));

      const response = await fetcher().get({ url: `${server.url}/api`, headers: { Authorization: 'bearer t0ken' } });

      expect(seen('/api').at(-1)?.headers.authorization).toBe('bearer t0ken');
      expect(response.notModified === false && response.headers['x-ratelimit-remaining']).toBe('99');
    });

    it('posts a form when asked (OAuth token requests)', async () => {
      let body = '';
      server.route('/token', (req, res) => {
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method })));
      });

      const response = await fetcher().get({ url: `${server.url}/token`, form: { grant_type: 'client_credentials' } });

      expect(response.notModified === false && JSON.parse(response.body.toString())).toEqual({ method: 'POST' });
      expect(body).toBe('grant_type=client_credentials');
    });

    it('posts a JSON body when asked (XRPC procedures such as a Bluesky login)', async () => {
      let body = '';
      server.route('/xrpc/com.atproto.server.createSession', (req, res) => {
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, type: req.headers['content-type'] })));
      });

      const response = await fetcher().get({ url: `${server.url}/xrpc/com.atproto.server.createSession`, json: { identifier: 'fan.bsky.social', password: 'abcd-efgh' } });

      expect(response.notModified === false && JSON.parse(response.body.toString())).toEqual({ method: 'POST', type: 'application/json' });
      expect(JSON.parse(body)).toEqual({ identifier: 'fan.bsky.social', password: 'abcd-efgh' });
    });

    it('posts without a body when asked (an XRPC procedure without input)', async () => {
      let body = '';
      server.route('/xrpc/com.atproto.server.refreshSession', (req, res) => {
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null })));
      });

      const response = await fetcher().get({ url: `${server.url}/xrpc/com.atproto.server.refreshSession`, method: 'POST', headers: { Authorization: 'Bearer r3fresh' } });

      expect(response.notModified === false && JSON.parse(response.body.toString())).toEqual({ method: 'POST', type: null });
      expect(body).toBe('');
      expect(seen('/xrpc/com.atproto.server.refreshSession').at(-1)?.headers.authorization).toBe('Bearer r3fresh');
    });

    it('does not follow a redirect in answer to a POST', async () => {
      server.route('/moved-login', (_req, res) => res.writeHead(307, { Location: '/elsewhere' }).end());

      const error = await failure(fetcher().get({ url: `${server.url}/moved-login`, json: {} }));

      expect(error.details.status).toBe(307);
      expect(error.message).toBe(`HTTP 307 redirect in answer to a POST to ${server.url}/moved-login`);
    });

    it('sends a descriptive User-Agent, feed types in Accept and the encodings it can decode', async () => {
      server.route('/headers', (_req, res) => res.writeHead(200).end('ok'));

      await fetcher().get({ url: `${server.url}/headers` });

      const headers = seen('/headers').at(-1)?.headers;
      expect(headers?.['user-agent']).toBe(USER_AGENT);
      expect(headers?.accept).toBe(DEFAULT_ACCEPT);
      expect(headers?.accept).toContain('application/feed+json');
      expect(headers?.['accept-encoding']).toBe('gzip, deflate, br');
      expect(headers?.['if-none-match']).toBeUndefined();
      expect(headers?.['if-modified-since']).toBeUndefined();
    });

    it('sends the Accept the source asks for', async () => {
      server.route('/accept', (_req, res) => res.writeHead(200).end('{}'));

      await fetcher().get({ url: `${server.url}/accept`, accept: 'application/json' });

      expect(seen('/accept').at(-1)?.headers.accept).toBe('application/json');
    });

    it('decodes gzip and brotli bodies', async () => {
      server.route('/gzip', (_req, res) => {
        const compressed = gzipSync(FEED);
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': compressed.length }).end(compressed);
      });
      server.route('/br', (_req, res) => res.writeHead(200, { 'Content-Encoding': 'br' }).end(brotliCompressSync(FEED)));

      expect(body(await fetcher().get({ url: `${server.url}/gzip` }))).toBe(FEED);
      expect(body(await fetcher().get({ url: `${server.url}/br` }))).toBe(FEED);
    });
  });

  describe('conditional GET', () => {
    it('sends the stored validators and reports 304 as not modified', async () => {
      server.route('/conditional', (req, res) => {
        if (req.headers['if-none-match'] === '"v7"') {
          res.writeHead(304, { ETag: '"v7"' }).end();
          return;
        }
        res.writeHead(200, { ETag: '"v7"' }).end(FEED);
      });

      const response = await fetcher().get({
        url: `${server.url}/conditional`,
        etag: '"v7"',
        lastModified: 'Thu, 27 Mar 2025 08:00:00 GMT',
      });

      expect(response).toEqual({ notModified: true, url: `${server.url}/conditional` });
      const headers = seen('/conditional').at(-1)?.headers;
      expect(headers?.['if-none-match']).toBe('"v7"');
      expect(headers?.['if-modified-since']).toBe('Thu, 27 Mar 2025 08:00:00 GMT');
    });
  });

  describe('HTTP errors', () => {
    it('reports a 500 with its status and a readable message', async () => {
      server.route('/broken', (_req, res) => res.writeHead(500).end('oops'));

      const error = await failure(fetcher().get({ url: `${server.url}/broken` }));

      expect(error.kind).toBe('http-status');
      expect(error.details.status).toBe(500);
      expect(error.message).toBe(`HTTP 500 Internal Server Error from ${server.url}/broken`);
    });

    it("keeps the start of an error answer's body, where APIs name the error", async () => {
      server.route('/xrpc/app.bsky.feed.searchPosts', (_req, res) =>
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"ExpiredToken","message":"Token has expired"}'),
      );
      const reason = JSON.stringify({ error: { code: 403, message: 'quota', errors: [{ reason: 'quotaExceeded', domain: 'youtube.quota' }] } });
      server.route('/refused', (_req, res) => res.writeHead(403, { 'Content-Type': 'application/json' }).end(reason));
      server.route('/chatty', (_req, res) => res.writeHead(502).end('x'.repeat(100_000)));

      const expired = await failure(fetcher().get({ url: `${server.url}/xrpc/app.bsky.feed.searchPosts` }));
      const refused = await failure(fetcher().get({ url: `${server.url}/refused` }));
      const chatty = await failure(fetcher().get({ url: `${server.url}/chatty` }));

      expect(expired.details).toEqual({ status: 400, url: `${server.url}/xrpc/app.bsky.feed.searchPosts`, body: '{"error":"ExpiredToken","message":"Token has expired"}' });
      expect(refused.details).toMatchObject({ status: 403, body: reason });
      // Only the first 16 KiB of a long error page is read.
      expect(chatty.details.body).toBe('x'.repeat(16_384));
    });

    it('reports a 404 as an HTTP status failure', async () => {
      const error = await failure(fetcher().get({ url: `${server.url}/nowhere` }));

      expect(error.kind).toBe('http-status');
      expect(error.details.status).toBe(404);
      expect(error.message).toContain('HTTP 404 Not Found');
    });
  });

  describe('timeouts', () => {
    it('gives up on a server that never answers', async () => {
      server.route('/silent', () => undefined);

      const error = await failure(fetcher({ timeoutMs: 300 }).get({ url: `${server.url}/silent` }));

      expect(error.kind).toBe('timeout');
      expect(error.details.url).toBe(`${server.url}/silent`);
    });

    it('cuts off a server that sends headers and then drips the body', async () => {
      let dripped = 0;
      server.route('/drip', (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
        const drip = () => {
          dripped += 1;
          res.write('<');
        };
        drip();
        const timer = setInterval(drip, 100);
        res.on('close', () => clearInterval(timer));
      });

      const error = await failure(fetcher({ timeoutMs: 300 }).get({ url: `${server.url}/drip` }));

      expect(error.kind).toBe('timeout');
      expect(dripped).toBeGreaterThan(0);
    });
  });

  describe('the size cap', () => {
    it('refuses a body whose Content-Length is over the cap without waiting for it', async () => {
      // Only a few bytes ever arrive: waiting for the declared 10 MB would end in a timeout instead.
      server.route('/declared-huge', (_req, res) => {
        res.writeHead(200, { 'Content-Length': 10_000_000 });
        res.write('<rss>');
      });

      const error = await failure(fetcher({ maxBytes: 100_000 }).get({ url: `${server.url}/declared-huge` }));

      expect(error.kind).toBe('too-large');
      expect(error.message).toContain('100000-byte limit');
    });

    it('stops reading an endless body sent without Content-Length once it passes the cap', async () => {
      server.route('/endless', (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        writeForever(res, Buffer.alloc(16_384, 'a'));
      });

      const error = await failure(fetcher({ maxBytes: 100_000 }).get({ url: `${server.url}/endless` }));

      expect(error.kind).toBe('too-large');
    });

    it('counts decoded bytes, so a small gzip bomb is refused', async () => {
      const bomb = gzipSync(Buffer.alloc(20_000_000));
      // Small enough on the wire to pass the Content-Length check: only the decoded count can catch it.
      expect(bomb.length).toBeLessThan(100_000);
      server.route('/bomb', (_req, res) => {
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length }).end(bomb);
      });

      const error = await failure(fetcher({ maxBytes: 100_000 }).get({ url: `${server.url}/bomb` }));

      expect(error.kind).toBe('too-large');
    });

    it('accepts a body of exactly the cap', async () => {
      server.route('/exact', (_req, res) => res.writeHead(200).end(Buffer.alloc(100_000, 'b')));

      const response = await fetcher({ maxBytes: 100_000 }).get({ url: `${server.url}/exact` });

      expect(response.notModified ? 0 : response.body.length).toBe(100_000);
    });
  });

  describe('redirects', () => {
    function redirectChain(prefix: string, hops: number): void {
      for (let i = 0; i < hops; i += 1) {
        server.route(`${prefix}/${i}`, (_req, res) => res.writeHead(i % 2 === 0 ? 301 : 302, { Location: `${prefix}/${i + 1}` }).end());
      }
      server.route(`${prefix}/${hops}`, (_req, res) => res.writeHead(200, { ETag: '"end"' }).end(FEED));
    }

    it('follows a chain of 3 and reports the final URL', async () => {
      redirectChain('/three', 3);

      const response = await fetcher().get({ url: `${server.url}/three/0` });

      expect(response.url).toBe(`${server.url}/three/3`);
      expect(body(response)).toBe(FEED);
      expect(seen('/three/3')).toHaveLength(1);
    });

    it('follows as many as maxRedirects (5 by default)', async () => {
      redirectChain('/five', 5);

      const response = await fetcher().get({ url: `${server.url}/five/0` });

      expect(response.url).toBe(`${server.url}/five/5`);
    });

    it('fails on 6 redirects with "too many redirects"', async () => {
      redirectChain('/six', 6);

      const error = await failure(fetcher().get({ url: `${server.url}/six/0` }));

      expect(error.kind).toBe('http-status');
      expect(error.message).toContain('too many redirects');
      expect(seen('/six/6')).toHaveLength(0);
    });

    it('resolves a relative Location against the URL that answered', async () => {
      server.route('/dir/start', (_req, res) => res.writeHead(307, { Location: 'next?page=1' }).end());
      server.route('/dir/next', (_req, res) => res.writeHead(200).end(FEED));

      const response = await fetcher().get({ url: `${server.url}/dir/start` });

      expect(response.url).toBe(`${server.url}/dir/next?page=1`);
      expect(body(response)).toBe(FEED);
    });

    it('follows a redirect to another host', async () => {
      server.route('/moved-away', (_req, res) => res.writeHead(308, { Location: `${other.url}/feed` }).end());

      const response = await fetcher().get({ url: `${server.url}/moved-away` });

      expect(response.url).toBe(`${other.url}/feed`);
      expect(body(response)).toBe(FEED);
    });

    it("keeps the caller's credentials to the origin asked: a redirect to another host gets none of them", async () => {
      const seen: Record<string, (string | undefined)[]> = { here: [], there: [] };
      server.route('/keyed', (req, res) => {
        seen.here!.push(req.headers['x-goog-api-key'] as string | undefined, req.headers.authorization);
        res.writeHead(302, { Location: `${other.url}/keyed-elsewhere` }).end();
      });
      other.route('/keyed-elsewhere', (req, res) => {
        seen.there!.push(req.headers['x-goog-api-key'] as string | undefined, req.headers.authorization);
        res.writeHead(200).end(FEED);
      });

      const response = await fetcher().get({ url: `${server.url}/keyed`, headers: { 'X-Goog-Api-Key': 'k-123', Authorization: 'Bearer t-456' } });

      expect(body(response)).toBe(FEED);
      expect(seen).toEqual({ here: ['k-123', 'Bearer t-456'], there: [undefined, undefined] });
    });

    it('refuses to follow a redirect out of http(s)', async () => {
      server.route('/to-file', (_req, res) => res.writeHead(302, { Location: 'file:///etc/passwd' }).end());

      const error = await failure(fetcher().get({ url: `${server.url}/to-file` }));

      expect(error.kind).toBe('http-status');
      expect(error.details.status).toBe(302);
      expect(error.message).toContain('file:///etc/passwd');
    });
  });

  describe('Retry-After on 429 and 503', () => {
    function sleeper() {
      const asked: number[] = [];
      return { asked, sleep: async (ms: number) => void asked.push(ms) };
    }

    it('sleeps through a short Retry-After and retries once', async () => {
      let calls = 0;
      server.route('/busy-once', (_req, res) => {
        calls += 1;
        if (calls === 1) res.writeHead(429, { 'Retry-After': '1' }).end();
        else res.writeHead(200).end(FEED);
      });
      const { asked, sleep } = sleeper();

      const response = await fetcher({ sleep }).get({ url: `${server.url}/busy-once` });

      expect(body(response)).toBe(FEED);
      expect(asked).toEqual([1000]);
      expect(seen('/busy-once')).toHaveLength(2);
    });

    it('retries only once, then reports the wait the server asked for', async () => {
      server.route('/busy-always', (_req, res) => res.writeHead(503, { 'Retry-After': '2' }).end());
      const { asked, sleep } = sleeper();

      const error = await failure(fetcher({ sleep }).get({ url: `${server.url}/busy-always` }));

      expect(error.kind).toBe('http-status');
      expect(error.details).toMatchObject({ status: 503, retryAfterMs: 2000 });
      expect(asked).toEqual([2000]);
      expect(seen('/busy-always')).toHaveLength(2);
    });

    it('does not sleep through a long Retry-After but reports it', async () => {
      server.route('/busy-long', (_req, res) => res.writeHead(429, { 'Retry-After': '3600' }).end());
      const { asked, sleep } = sleeper();

      const error = await failure(fetcher({ sleep, maxRetryWaitMs: 10_000 }).get({ url: `${server.url}/busy-long` }));

      expect(error.kind).toBe('http-status');
      expect(error.details).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
      expect(error.message).toContain('HTTP 429 Too Many Requests');
      expect(asked).toEqual([]);
      expect(seen('/busy-long')).toHaveLength(1);
    });

    it('reads a Retry-After given as an HTTP-date', async () => {
      server.route('/busy-date', (_req, res) => res.writeHead(429, { 'Retry-After': 'Fri, 01 Jan 2100 00:00:00 GMT' }).end());
      const { asked, sleep } = sleeper();

      const error = await failure(fetcher({ sleep }).get({ url: `${server.url}/busy-date` }));

      expect(error.details.retryAfterMs).toBeGreaterThan(10_000);
      expect(asked).toEqual([]);
    });

    it('does not retry a 429 without Retry-After', async () => {
      server.route('/busy-silent', (_req, res) => res.writeHead(429).end());
      const { asked, sleep } = sleeper();

      const error = await failure(fetcher({ sleep }).get({ url: `${server.url}/busy-silent` }));

      expect(error.details.status).toBe(429);
      expect(error.details.retryAfterMs).toBeUndefined();
      expect(asked).toEqual([]);
      expect(seen('/busy-silent')).toHaveLength(1);
    });
  });

  describe('network failures', () => {
    it('reports a refused connection as a network failure with the reason', async () => {
      const closed = await startTestServer();
      const url = `${closed.url}/feed`;
      await closed.close();

      const error = await failure(fetcher().get({ url }));

      expect(error.kind).toBe('network');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).not.toContain('fetch failed');
      expect(error.details.url).toBe(url);
    });

    it('refuses URLs that are not http(s) or not URLs at all', async () => {
      for (const url of ['ftp://127.0.0.1/feed', 'not a url']) {
        const error = await failure(fetcher().get({ url }));
        expect(error.kind).toBe('network');
        expect(error.message).toContain(url);
      }
    });
  });

  describe('per-host concurrency', () => {
    it('keeps at most perHostConcurrency requests in flight to one host without blocking another', async () => {
      let inFlight = 0;
      let maxInFlight = 0;
      const held: (() => void)[] = [];
      let arrived: () => void = () => undefined;
      server.route('/held', (_req, res) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        held.push(() => {
          inFlight -= 1;
          res.writeHead(200).end(FEED);
        });
        arrived();
      });
      const heldCount = async (n: number) => {
        while (held.length < n) await new Promise<void>((resolve) => (arrived = resolve));
      };
      const limited = fetcher({ perHostConcurrency: 2 });

      const all = Promise.all(Array.from({ length: 5 }, () => limited.get({ url: `${server.url}/held` })));
      await heldCount(2);

      // The first host is saturated with 3 requests queued; the other host still goes straight through.
      expect(body(await limited.get({ url: `${other.url}/feed` }))).toBe(FEED);
      expect(seen('/held')).toHaveLength(2);

      for (let released = 0; released < 5; released += 1) {
        await heldCount(1);
        held.shift()?.();
      }
      const responses = await all;

      expect(responses.map(body)).toEqual(Array(5).fill(FEED));
      expect(seen('/held')).toHaveLength(5);
      expect(maxInFlight).toBe(2);
    });
  });
});
