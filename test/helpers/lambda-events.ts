// The events and context the Lambda runtime hands a handler: what EventBridge Scheduler sends the
// poll function (lib/constructs/polling.ts) and what API Gateway HTTP APIs (payload 2.0) send the
// query function.

import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export function lambdaContext(functionName: string): Context {
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/11/20/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The schedule's input, as EventBridge Scheduler fills in its context attributes. */
export const scheduledEvent = (scheduledTime = new Date()) => ({
  source: 'fanpulse.schedule',
  scheduledTime: scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  executionId: randomUUID(),
});

/** GET (or another method) on the HTTP API's $default stage; repeated parameters are comma-joined as API Gateway does. */
export function apiEvent(path: string, query: Record<string, string> = {}, method = 'GET'): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(query).toString();
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'user-agent': 'test' },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}
