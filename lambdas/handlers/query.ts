// The read-only HTTP API behind API Gateway: the CLI's query paths over HTTP (lambdas/http/), and,
// when the stack is public, the dashboard page bundled with the function (FANPULSE_PAGE_DIR).

import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { renderJson } from '../cli/format.ts';
import { readQueryEnv, type QueryEnv } from '../config/env.ts';
import { answerQuery, type HttpResponse } from '../http/query-api.ts';
import { createPageAnswer } from '../http/static-page.ts';
import { once, wireQuery } from './wiring.ts';

export function createQueryHandler(readEnv: () => QueryEnv, logger = new Logger()) {
  const env = once(async () => readEnv());
  const wiring = once(async () => wireQuery(await env()));
  const page = once(async () => {
    const { FANPULSE_PAGE_DIR: dir } = await env();
    return dir ? createPageAnswer(dir) : async () => null;
  });
  const pageFile = async (method: string, path: string): Promise<HttpResponse | null> => {
    if (method !== 'GET') return null;
    try {
      return await (await page())(path);
    } catch (error) {
      logger.error(`GET ${path} (page) answered 500`, error as Error);
      return { status: 500, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: renderJson({ error: 'internal error' }) };
    }
  };
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    logger.addContext(context);
    const request = { method: event.requestContext.http.method, path: event.rawPath, query: event.queryStringParameters ?? {} };
    const logInternal = (error: unknown, status: number) => logger.error(`${request.method} ${request.path} answered ${status}`, error as Error);
    // The page's paths and the API's never overlap: a page file first, then the API (and its 404).
    const response: HttpResponse = (await pageFile(request.method, request.path)) ?? (await answerQuery(request, wiring, new Date(), logInternal));
    return { statusCode: response.status, headers: response.headers, body: response.body };
  };
}

export const handler = createQueryHandler(() => readQueryEnv());
