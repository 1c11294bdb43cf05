// A DynamoDB document client whose process "dies" right after its Nth request has taken effect:
// the crash tests re-run the work on the same table and expect what one clean run leaves.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function crashingClient(endpoint: string, crashAfter: number) {
  const base = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  let calls = 0;
  let dead = false;
  client.middlewareStack.add(
    (next) => async (args) => {
      // After the crash nothing reaches the store any more, not even a `finally` clean-up.
      if (dead) throw new Error('the process has crashed');
      const result = await next(args);
      if (++calls === crashAfter) {
        dead = true;
        throw new Error(`injected crash after store call ${crashAfter}`);
      }
      return result;
    },
    { step: 'initialize', name: 'crashAfter' },
  );
  // `kill`: the process dies now, between store calls (e.g. right after another service took a request).
  return { client, calls: () => calls, kill: () => void (dead = true) };
}
