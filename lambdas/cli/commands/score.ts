// `fanpulse score`: one text per line on stdin, one JSON object per line out.

import { createInterface } from 'node:readline';
import { scoreText } from '../../core/score.ts';

export async function run(): Promise<string> {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    process.stdout.write(`${JSON.stringify({ text: line, ...scoreText(line) })}\n`);
  }
  return '';
}
