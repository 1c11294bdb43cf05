// The read-only HTTP API behind API Gateway: the CLI's query paths over HTTP (lambdas/http/).

import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readQueryEnv, type QueryEnv } from '../config/env.ts';
import { answerQuery } from '../http/query-api.ts';
import { once, wireQuery } from './wiring.ts';

export function createQueryHandler(readEnv: () => QueryEnv, logger = new Logger()) {
  const wiring = once(() => wireQuery(readEnv()));
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    logger.addContext(context);
    const request = { method: event.requestContext.http.method, path: event.rawPath, query: event.queryStringParameters ?? {} };
    const response = await answerQuery(request, wiring, new Date(), (error, status) =>
      logger.error(`${request.method} ${request.path} answered ${status}`, error as Error),
    );
    return { statusCode: response.status, headers: response.headers, body: response.body };
  };
}

export const handler = createQueryHandler(() => readQueryEnv());
