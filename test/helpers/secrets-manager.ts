// A local Secrets Manager for tests: a real HTTP server that answers GetSecretValue in the service's
// AWS JSON 1.1 protocol, so the code under test reads through the real SDK client (signing, protocol,
// error parsing) with only the endpoint changed. What it answers, and why, is in
// test/fixtures/secrets-manager/README.md.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestServer } from './http-server.ts';

export const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const JSON_1_1 = 'application/x-amz-json-1.1';

/** A documented error, as the service sends it: HTTP status and `__type`. */
export interface ServiceError {
  status: number;
  type: string;
  message: string;
}

export interface TestSecretsManager {
  /** For SECRETS_MANAGER_ENDPOINT, e.g. http://127.0.0.1:41234 */
  endpoint: string;
  region: string;
  /** Creates the secret, or gives it a new current version; returns its ARN (name plus Secrets Manager's six-character suffix). */
  putSecretString(name: string, value: string): string;
  /** Stores binary data instead of text, as `--secret-binary` does. */
  putSecretBinary(name: string, value: Buffer): string;
  /** An ARN no secret has. */
  missingArn(name: string): string;
  /** Answers every request with this error until cleared with null. */
  failWith(error: ServiceError | null): void;
  /** The SecretId of every GetSecretValue request, in order. */
  readonly calls: string[];
  close(): Promise<void>;
}

interface StoredSecret {
  arn: string;
  name: string;
  versionId: string;
  createdDate: number;
  value: { SecretString: string } | { SecretBinary: string };
}

export async function startTestSecretsManager(): Promise<TestSecretsManager> {
  const secrets = new Map<string, StoredSecret>();
  const calls: string[] = [];
  let failure: ServiceError | null = null;

  const reply = (res: ServerResponse, status: number, body: object) =>
    res.writeHead(status, { 'content-type': JSON_1_1, 'x-amzn-requestid': randomUUID() }).end(JSON.stringify(body));
  const error = (res: ServerResponse, e: ServiceError) => reply(res, e.status, { __type: e.type, message: e.message });

  const server = await startTestServer({
    '/': async (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      // What the SDK must send: anything else would be refused by the real service too.
      if (req.method !== 'POST' || req.headers['content-type'] !== JSON_1_1) return error(res, { status: 400, type: 'SerializationException', message: `expected POST with ${JSON_1_1}` });
      if (!String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256 Credential=')) return error(res, { status: 400, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return error(res, { status: 400, type: 'UnknownOperationException', message: `only GetSecretValue here, not ${String(req.headers['x-amz-target'])}` });
      const { SecretId } = JSON.parse(body) as { SecretId?: string };
      calls.push(String(SecretId));
      if (failure) return error(res, failure);
      const secret = [...secrets.values()].find((s) => s.arn === SecretId || s.name === SecretId);
      if (!secret) return error(res, { status: 400, type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      return reply(res, 200, {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        ...secret.value,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdDate,
      });
    },
  });

  const arnOf = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${randomUUID().replace(/-/g, '').slice(0, 6)}`;
  const put = (name: string, value: StoredSecret['value']) => {
    const arn = secrets.get(name)?.arn ?? arnOf(name);
    secrets.set(name, { arn, name, versionId: randomUUID(), createdDate: Date.now() / 1000, value });
    return arn;
  };

  return {
    endpoint: server.url,
    region: REGION,
    putSecretString: (name, value) => put(name, { SecretString: value }),
    // Blobs travel base64-encoded in the JSON protocols.
    putSecretBinary: (name, value) => put(name, { SecretBinary: value.toString('base64') }),
    missingArn: arnOf,
    failWith: (e) => void (failure = e),
    calls,
    close: () => server.close(),
  };
}
