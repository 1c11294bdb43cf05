// The read-only HTTP API behind API Gateway: the CLI's query paths over HTTP (lambdas/http/), and,
// when the stack is public, the dashboard page bundled with the function (FANPULSE_PAGE_DIR).

import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readQueryEnv, type QueryEnv } from '../config/env.ts';
import { createAnswerCache } from '../http/answer-cache.ts';
import { answerQuery, type HttpResponse, type PageFiles } from '../http/query-api.ts';
import { createPageAnswer } from '../http/static-page.ts';
import { renderJson } from '../query/format.ts';
import type { Clock } from '../core/ports.ts';
import { once, systemClock, wireQuery } from './wiring.ts';

export function createQueryHandler(readEnv: () => QueryEnv, logger = new Logger(), clock: Clock = systemClock) {
  const env = once(async () => readEnv());
  // Answers kept for the container's life, within a quarter of the function's 256 MB.
  const wiring = once(async () => ({ ...(await wireQuery(await env())), cache: createAnswerCache({ chars: 16 * 1024 * 1024 }) }));
  const pageDir = once(async () => (await env()).FANPULSE_PAGE_DIR);
  // A page that cannot be read is this function's fault: logged, and a plain 500 to the caller.
  const page: PageFiles = async (path) => {
    try {
      const dir = await pageDir();
      return dir ? await createPageAnswer(dir)(path) : null;
    } catch (error) {
      logger.error(`${path} (dashboard page) answered 500`, error as Error);
      return { status: 500, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: renderJson({ error: 'internal error' }) };
    }
  };
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    logger.addContext(context);
    const request = { method: event.requestContext.http.method, path: event.rawPath, query: event.queryStringParameters ?? {} };
    const response: HttpResponse = await answerQuery(request, wiring, clock.now(), (error, status) =>
      logger.error(`${request.method} ${request.path} answered ${status}`, error as Error),
    page);
    return { statusCode: response.status, headers: response.headers, body: response.body };
  };
}

export const handler = createQueryHandler(() => readQueryEnv());
