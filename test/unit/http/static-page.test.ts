import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPageAnswer } from '../../../lambdas/http/static-page.ts';

let answer: ReturnType<typeof createPageAnswer>;
let root: string;

beforeAll(async () => {
  // A built page in dist/, and a secret one level up that no path may reach.
  root = await mkdtemp(join(tmpdir(), 'fanpulse-page-'));
  const dist = join(root, 'dist');
  await mkdir(dist);
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>page</title>');
  await writeFile(join(dist, 'app.js'), 'console.log(1)');
  await writeFile(join(dist, 'boot.js'), 'console.log(0)');
  await writeFile(join(dist, 'app.css'), 'body{}');
  await writeFile(join(dist, 'notes.txt'), 'built but not handed out');
  await writeFile(join(root, 'secret.txt'), 'do not serve');
  answer = createPageAnswer(dist);
});

describe('answerPage', () => {
  it('serves index.html at / with its type and a policy that forbids inline and foreign scripts', async () => {
    const page = await answer('/');
    expect(page).toMatchObject({ status: 200, body: '<!doctype html><title>page</title>' });
    expect(page!.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page!.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page!.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page!.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the bundle, its first-requests script and its styles by name', async () => {
    expect(await answer('/boot.js')).toMatchObject({ status: 200, body: 'console.log(0)', headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    expect(await answer('/app.js')).toMatchObject({ status: 200, body: 'console.log(1)', headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    expect(await answer('/app.css')).toMatchObject({ status: 200, body: 'body{}', headers: { 'content-type': 'text/css; charset=utf-8' } });
  });

  it.each(['/notes.txt', '/index.html', '/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '//secret.txt', '/app.js/', '/APP.JS', '/trends', '/constructor', '/__proto__', ''])(
    'answers null for %j (not a page file: the caller 404s), never a file from disk',
    async (path) => {
      expect(await answer(path)).toBeNull();
    },
  );

  it('says how to build the page when it was never built', async () => {
    const missing = createPageAnswer(join(root, 'no-such-dist'));
    const page = await missing('/');
    expect(page!.status).toBe(503);
    expect(page!.body).toContain('npm run build:web');
  });
});
