// The query Lambda answering the dashboard page when the stack is public (FANPULSE_PAGE_DIR set to
// the bundled page): the page's files by name; every other path is still the API's (its 404);
// without the variable (the IAM-authorised stack) no page at all. No store is needed for any of it.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { readQueryEnv } from '../../../lambdas/config/env.ts';
import { createQueryHandler } from '../../../lambdas/handlers/query.ts';
import { LOCAL_PAGE_DIR } from '../../../lambdas/http/static-page.ts';
import { apiEvent, lambdaContext } from '../../helpers/lambda-events.ts';

// The table and config are never touched for these paths: the page needs neither.
const env = (extra: Record<string, string> = {}) => readQueryEnv({ FANPULSE_TABLE: 'unused', FANPULSE_CONFIG_FILE: '/nonexistent/fanpulse.config.json', ...extra });
const quiet = () => new Logger({ logLevel: 'SILENT' });
const publicFunction = createQueryHandler(() => env({ FANPULSE_PAGE_DIR: LOCAL_PAGE_DIR }), quiet());
const signedFunction = createQueryHandler(() => env(), quiet());

describe('query handler with the page bundled (public stack)', () => {
  it('serves the built index.html at / and the bundle beside it', async () => {
    const index = await publicFunction(apiEvent('/'), lambdaContext('query'));
    expect(index.statusCode).toBe(200);
    expect(index.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toBe(await readFile(join(LOCAL_PAGE_DIR, 'index.html'), 'utf8'));
    const script = await publicFunction(apiEvent('/app.js'), lambdaContext('query'));
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe(await readFile(join(LOCAL_PAGE_DIR, 'app.js'), 'utf8'));
  });

  it('answers 404 with no file for any other path, and 405 to a write on the page', async () => {
    for (const path of ['/../package.json', '/index.html', '/page/app.js', '/fanpulse.config.json']) {
      const response = await publicFunction(apiEvent(path), lambdaContext('query'));
      expect(response.statusCode, path).toBe(404);
      expect(JSON.parse(response.body!)).toHaveProperty('error');
    }
    const write = await publicFunction(apiEvent('/', {}, 'POST'), lambdaContext('query'));
    expect(write.statusCode).toBe(405);
    expect(write.headers?.allow).toBe('GET');
  });

  it('has no page when the stack is IAM-authorised (no FANPULSE_PAGE_DIR)', async () => {
    expect((await signedFunction(apiEvent('/'), lambdaContext('query'))).statusCode).toBe(404);
  });
});
