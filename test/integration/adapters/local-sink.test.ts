import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLocalSink } from '../../../lambdas/adapters/local-sink.ts';
import { formatAlertMessage } from '../../../lambdas/core/alert-message.ts';
import { AlertDeliveryError } from '../../../lambdas/core/errors.ts';
import { sampleAlert } from '../../helpers/alerts.ts';

const alert = sampleAlert;

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('createLocalSink', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanpulse-local-sink-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the subject and body as the e-mail would read', async () => {
    const { out, text } = capture();
    const sink = createLocalSink({ file: join(dir, 'printed', 'alerts.jsonl'), out });
    const sent = alert();

    await sink.send(sent);

    const { subject, body } = formatAlertMessage(sent);
    expect(text()).toContain(`${subject}\n`);
    expect(text()).toContain(body);
  });

  it('appends one JSON line per alert, with the subject, creating the directory', async () => {
    const file = join(dir, 'nested', 'deeper', 'alerts.jsonl');
    const sink = createLocalSink({ file, out: capture().out });
    const first = alert();
    const second = alert({ id: 'ballard#petition-spike#2025-03-28T09:00:00.000Z', topic: 'ballard', topicName: 'Ballard' });

    await sink.send(first);
    await sink.send(second);

    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    const records = lines.slice(0, -1).map((line) => JSON.parse(line) as unknown);
    expect(records).toEqual([
      { ...first, subject: formatAlertMessage(first).subject },
      { ...second, subject: formatAlertMessage(second).subject },
    ]);
  });

  it('rejects with AlertDeliveryError when the file cannot be written', async () => {
    // A regular file where the sink expects a directory: no permission tricks, so it fails as root too.
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, 'x');
    const { out, text } = capture();
    const sink = createLocalSink({ file: join(blocker, 'alerts.jsonl'), out });

    const failure = await sink.send(alert()).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(AlertDeliveryError);
    expect((failure as AlertDeliveryError).message).toContain(join(blocker, 'alerts.jsonl'));
    expect((failure as AlertDeliveryError).cause).toBeInstanceOf(Error);
    // Not recorded means not shown either: the alert stays pending for the next pass.
    expect(text()).toBe('');
  });

  it('rejects with AlertDeliveryError when the output stream fails', async () => {
    const out = new PassThrough();
    out.destroy();
    const sink = createLocalSink({ file: join(dir, 'stream-fails', 'alerts.jsonl'), out });

    await expect(sink.send(alert())).rejects.toThrow(AlertDeliveryError);
  });
});
