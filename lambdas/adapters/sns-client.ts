// Builds the SNS client for an endpoint: AWS (none given) or a local emulator such as fauxqs.

import { SNSClient } from '@aws-sdk/client-sns';

export interface SnsConnection {
  /** e.g. http://127.0.0.1:4566; undefined means the AWS regional endpoint. */
  endpoint?: string;
  region?: string;
}

export function createSnsClient(connection: SnsConnection): SNSClient {
  const local = connection.endpoint !== undefined;
  return new SNSClient({
    endpoint: connection.endpoint,
    region: connection.region ?? (local ? 'us-east-1' : undefined),
    // Emulators accept any credentials; never make a laptop user configure AWS for them.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
