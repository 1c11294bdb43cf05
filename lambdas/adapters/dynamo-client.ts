// Builds the DynamoDB document client for an endpoint: AWS (none given), DynamoDB Local,
// or the embedded dynalite server.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoConnection {
  /** e.g. http://127.0.0.1:8000; undefined means the AWS regional endpoint. */
  endpoint?: string;
  region?: string;
}

export function createDocumentClient(connection: DynamoConnection): DynamoDBDocumentClient {
  const local = connection.endpoint !== undefined;
  const client = new DynamoDBClient({
    endpoint: connection.endpoint,
    region: connection.region ?? (local ? 'local' : undefined),
    // Local endpoints accept any credentials; never make a laptop user configure AWS for them.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: local ? 2 : 4,
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  // The document client's own destroy() is a no-op (it does not own the client it wraps): without
  // this, keep-alive sockets outlive the command and the embedded store waits for them to idle out.
  documentClient.destroy = () => client.destroy();
  return documentClient;
}
