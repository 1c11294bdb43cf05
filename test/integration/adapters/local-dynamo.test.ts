// The embedded store's hand-over between processes (lambdas/adapters/local-dynamo.ts): an owner
// that closes keeps serving a process that joined it until that process is done, whatever the
// timing, and a joiner that died does not hold it up. The joiner here is another process's
// registration, as a joining fanpulse writes it before it reads server.json.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalDynamo } from '../../../lambdas/adapters/local-dynamo.ts';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A running process other than this one: what a joined fanpulse command is to the owner. */
function otherProcess(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

/** A pid no process has (the highest pids are not handed out). */
const GONE_PID = 4_194_303;

/** Any HTTP answer: dynalite answers a bare GET with 400. */
const serving = (endpoint: string) =>
  fetch(endpoint).then(
    async (answer) => (await answer.body?.cancel(), true),
    () => false,
  );

describe('the embedded store closing while another process has joined it', () => {
  it('stops announcing itself at once, serves the joiner until it is done, then closes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-local-dynamo-'));
    const owner = await openLocalDynamo(dataDir);
    expect(owner.owner).toBe(true);
    const joiner = join(dataDir, 'clients', `${otherProcess()}-1`);
    await writeFile(joiner, '');
    await writeFile(join(dataDir, 'clients', `${GONE_PID}-1`), '');

    let closed = false;
    const closing = owner.close().then(() => (closed = true));
    // However long the joiner takes: the record is gone (no new joiners), the server still answers.
    for (let look = 0; look < 5; look++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
      expect(await serving(owner.endpoint)).toBe(true);
      expect(closed).toBe(false);
    }
    // The dead joiner's registration was cleared, not waited for.
    expect(existsSync(join(dataDir, 'clients', `${GONE_PID}-1`))).toBe(false);

    await rm(joiner);
    await closing;
    expect(await serving(owner.endpoint)).toBe(false);
    expect(existsSync(join(dataDir, 'server.lock'))).toBe(false);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets the next process serve the data dir once it has closed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-local-dynamo-'));
    const first = await openLocalDynamo(dataDir);
    await first.close();
    const second = await openLocalDynamo(dataDir);
    expect(second.owner).toBe(true);
    expect(await serving(second.endpoint)).toBe(true);
    await second.close();
    await rm(dataDir, { recursive: true, force: true });
  });
});
