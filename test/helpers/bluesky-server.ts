// A local Bluesky for tests: an entryway and a PDS (two real HTTP servers sharing one account and one
// search index) answering com.atproto.server.createSession / refreshSession and app.bsky.feed.searchPosts
// in the lexicons' shapes, with XRPC error bodies {error, message} and the PDS's token rules (an
// expired access token is a 400 ExpiredToken; a refresh rotates the refresh token, the old one then
// answers 400 ExpiredToken "Token has been revoked"). See test/fixtures/bluesky/README.md.

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestServer, type TestServer } from './http-server.ts';

type Json = Record<string, unknown>;

export const bskyFixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/bluesky/${name}`, import.meta.url), 'utf8')) as Json;

export const HANDLE = 'boschfan.bsky.social';
export const APP_PASSWORD = 'abcd-efgh-ijkl-mnop';
export const DID = 'did:plc:boschfan2wq7e5kxr3t4';
/** The PDS's token lifetimes. */
export const ACCESS_S = 2 * 3600;
const REFRESH_S = 90 * 86_400;

const b64 = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Json) => `${b64({ typ: 'at+jwt', alg: 'ES256K' })}.${b64(claims)}.c2lnbmF0dXJl`;

export interface FakeBluesky {
  entryway: TestServer;
  pds: TestServer;
  /** The server clock (epoch s): tokens are issued and checked against it. */
  clockS: number;
  /** Posts the search index holds (postViews). */
  index: Json[];
  /** Whether createSession answers with a didDoc naming the PDS. */
  didDoc: boolean;
  /** Answer the next request to `method` with this instead (status, body, headers). */
  failNext: Map<string, { status: number; body: string; headers?: Record<string, string> }>;
  /** Every access token issued so far is refused from now on (as after a password change). */
  revokeAccessTokens(): void;
  revokeRefreshTokens(): void;
  /** Calls per XRPC method, on either server. */
  calls(method: string): { server: 'entryway' | 'pds'; params: URLSearchParams; authorization: string | undefined }[];
  close(): Promise<void>;
}

const sortAt = (post: Json): number => {
  const record = post['record'] as Json;
  const indexed = Date.parse(post['indexedAt'] as string);
  const created = Date.parse((record['createdAt'] as string | undefined) ?? '');
  // The AppView sorts by the earlier of indexedAt and createdAt (bsky indexing/plugins/post.ts).
  return Number.isNaN(created) ? indexed : Math.min(created, indexed);
};

export async function startFakeBluesky(clockS: number): Promise<FakeBluesky> {
  const entryway = await startTestServer();
  const pds = await startTestServer();
  const access = new Map<string, number>();
  const refresh = new Map<string, number>();
  const log: { method: string; server: 'entryway' | 'pds'; params: URLSearchParams; authorization: string | undefined }[] = [];
  let issued = 0;

  const fake: FakeBluesky = {
    entryway,
    pds,
    clockS,
    index: [],
    didDoc: true,
    failNext: new Map(),
    revokeAccessTokens: () => access.clear(),
    revokeRefreshTokens: () => refresh.clear(),
    calls: (method) => log.filter((call) => call.method === method).map(({ server, params, authorization }) => ({ server, params, authorization })),
    async close() {
      await entryway.close();
      await pds.close();
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
  const xrpcError = (res: ServerResponse, status: number, error: string, message: string) => send(res, status, { error, message });

  function sessionAnswer(): Json {
    issued += 1;
    const accessJwt = jwt({ scope: 'com.atproto.appPass', sub: DID, iat: fake.clockS, exp: fake.clockS + ACCESS_S, aud: 'did:web:pds.test', n: issued });
    const refreshJwt = jwt({ scope: 'com.atproto.refresh', sub: DID, iat: fake.clockS, exp: fake.clockS + REFRESH_S, jti: `r${issued}`, aud: 'did:web:pds.test' });
    access.set(accessJwt, fake.clockS + ACCESS_S);
    refresh.set(refreshJwt, fake.clockS + REFRESH_S);
    const answer: Json = { ...bskyFixture('createSession.json'), accessJwt, refreshJwt };
    if (!fake.didDoc) delete answer['didDoc'];
    else {
      const didDoc = answer['didDoc'] as { service: Json[] };
      didDoc.service = [{ ...didDoc.service[0], serviceEndpoint: pds.url }];
    }
    return answer;
  }

  /** The bearer token's fate, as the PDS's auth verifier decides it; true when the handler may go on. */
  function checkBearer(req: IncomingMessage, res: ServerResponse, tokens: Map<string, number>, revoked: string): boolean {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      xrpcError(res, 401, 'AuthMissing', 'Authentication Required');
      return false;
    }
    const exp = tokens.get(token);
    if (exp === undefined) {
      xrpcError(res, 400, revoked, revoked === 'ExpiredToken' ? 'Token has been revoked' : 'Token could not be verified');
      return false;
    }
    if (exp <= fake.clockS) {
      xrpcError(res, 400, 'ExpiredToken', 'Token has expired');
      return false;
    }
    return true;
  }

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => resolve(body));
    });

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => unknown> = {
    async 'com.atproto.server.createSession'(req, res) {
      const body = JSON.parse(await readBody(req)) as { identifier?: string; password?: string };
      if (req.method !== 'POST' || !req.headers['content-type']?.startsWith('application/json')) return xrpcError(res, 400, 'InvalidRequest', 'expected a JSON POST');
      if (body.identifier !== HANDLE || body.password !== APP_PASSWORD) return xrpcError(res, 401, 'AuthenticationRequired', 'Invalid identifier or password');
      send(res, 200, sessionAnswer());
    },
    async 'com.atproto.server.refreshSession'(req, res) {
      if (req.method !== 'POST') return xrpcError(res, 400, 'InvalidRequest', 'expected a POST');
      if ((await readBody(req)) !== '') return xrpcError(res, 400, 'InvalidRequest', 'A request body was provided when none was expected');
      if (!checkBearer(req, res, refresh, 'ExpiredToken')) return;
      // Rotation: the refresh token just used is spent.
      refresh.delete(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')![1]!);
      send(res, 200, sessionAnswer());
    },
    'app.bsky.feed.searchPosts'(req, res) {
      if (!checkBearer(req, res, access, 'InvalidToken')) return;
      const params = new URL(req.url ?? '/', 'http://x').searchParams;
      const q = params.get('q');
      if (!q) return xrpcError(res, 400, 'InvalidRequest', 'Error: Params must have the property "q"');
      const lang = params.get('lang');
      const until = params.get('until');
      const limit = Number(params.get('limit') ?? 25);
      const offset = Number(params.get('cursor') ?? 0);
      const matching = fake.index
        .filter((post) => lang === null || ((post['record'] as Json)['langs'] as string[] | undefined)?.includes(lang))
        .filter((post) => until === null || sortAt(post) < Date.parse(until))
        .sort((a, b) => sortAt(b) - sortAt(a));
      const page = matching.slice(offset, offset + limit);
      const more = offset + limit < matching.length;
      send(res, 200, { ...(more ? { cursor: String(offset + limit) } : {}), hitsTotal: matching.length, posts: page });
    },
  };

  for (const [name, server] of [['entryway', entryway], ['pds', pds]] as const) {
    for (const [method, handler] of Object.entries(routes)) {
      server.route(`/xrpc/${method}`, (req, res) => {
        log.push({ method, server: name, params: new URL(req.url ?? '/', 'http://x').searchParams, authorization: req.headers.authorization });
        const failure = fake.failNext.get(method);
        if (failure) {
          fake.failNext.delete(method);
          return send(res, failure.status, failure.body, failure.headers);
        }
        return handler(req, res);
      });
    }
  }
  return fake;
}
