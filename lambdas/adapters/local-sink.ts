// AlertSink for a laptop: prints the alert as the e-mail would read and keeps it in a JSONL file.

import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

import { formatAlertMessage, type AlertMessageContext } from '../core/alert-message.ts';
import { AlertDeliveryError } from '../core/errors.ts';
import type { AlertSink } from '../core/ports.ts';
import type { SpikeAlert } from '../core/types.ts';

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
  return {
    async send(alert: SpikeAlert): Promise<void> {
      const { subject, body } = formatAlertMessage(alert, message);
      // The file is the record that the alert was delivered, so it is written before the
      // printout: a failure leaves the alert pending rather than shown but unrecorded.
      try {
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, JSON.stringify({ ...alert, subject }) + '\n', 'utf8');
      } catch (error) {
        throw new AlertDeliveryError(
          `Could not record alert ${alert.id} in ${file}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      try {
        await write(out, `${RULE}\n${subject}\n${RULE}\n${body}\n`);
      } catch (error) {
        throw new AlertDeliveryError(
          `Could not print alert ${alert.id}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    },
  };
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}
