// Builds the DynamoDB document client for an endpoint: AWS (none given), DynamoDB Local,
// or the embedded dynalite server.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { endpointSettings, type AwsEndpoint } from './aws-endpoint.ts';

export function createDocumentClient(connection: AwsEndpoint): DynamoDBDocumentClient {
  const local = connection.endpoint !== undefined;
  const client = new DynamoDBClient({
    ...endpointSettings(connection, 'local'),
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
