// Builds the Secrets Manager client for an endpoint: AWS (none given) or a local stand-in in tests.

import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretsManagerConnection {
  /** e.g. http://127.0.0.1:4566; undefined means the AWS regional endpoint. */
  endpoint?: string;
  region?: string;
}

export function createSecretsManagerClient(connection: SecretsManagerConnection): SecretsManagerClient {
  const local = connection.endpoint !== undefined;
  return new SecretsManagerClient({
    endpoint: connection.endpoint,
    region: connection.region ?? (local ? 'us-east-1' : undefined),
    // Emulators accept any credentials; never make a laptop user configure AWS for them.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
