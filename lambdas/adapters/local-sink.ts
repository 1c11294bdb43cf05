// AlertSink for a laptop: prints the alert (or digest) as the e-mail would read and keeps it in a JSONL file.

import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

import { formatAlertMessage, type AlertMessageContext } from '../core/alert-message.ts';
import { formatDigestText } from '../core/digest-message.ts';
import { AlertDeliveryError } from '../core/errors.ts';
import type { AlertSink } from '../core/ports.ts';
import type { Digest, SpikeAlert } from '../core/types.ts';

export interface LocalSinkOptions {
  /** JSON Lines file the alerts are appended to; its directory is created when missing. */
  file: string;
  /** Where the readable alert is printed. @default process.stdout */
  out?: NodeJS.WritableStream;
  /** The campaign's time zone and this monitor's config and store, for the message. */
  message?: AlertMessageContext;
}

const RULE = '-'.repeat(72);

export function createLocalSink({ file, out = process.stdout, message }: LocalSinkOptions): AlertSink {
  async function deliver(what: string, record: object, subject: string, body: string): Promise<void> {
    // The file is the record that it was delivered, so it is written before the printout: a
    // failure leaves it pending rather than shown but unrecorded.
    try {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, JSON.stringify({ ...record, subject }) + '\n', 'utf8');
    } catch (error) {
      throw new AlertDeliveryError(`Could not record ${what} in ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      await write(out, `${RULE}\n${subject}\n${RULE}\n${body}\n`);
    } catch (error) {
      throw new AlertDeliveryError(`Could not print ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return {
    async send(alert: SpikeAlert): Promise<void> {
      const { subject, body } = formatAlertMessage(alert, message);
      await deliver(`alert ${alert.id}`, alert, subject, body);
    },
    // The e-mail a digest would be; in the same file, told apart by "type": "digest".
    async sendDigest(digest: Digest): Promise<void> {
      const { subject, body } = formatDigestText(digest);
      await deliver(`digest ${digest.id}`, { type: 'digest', ...digest }, subject, body);
    },
  };
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}
