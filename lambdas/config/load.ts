// Reading and validating a config file: every problem names the field and the fix.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { configSchema, type Config } from './schema.ts';

/** "sources[1].url" from a zod path. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, part) => {
    if (typeof part === 'number') return `${name}[${part}]`;
    return name ? `${name}.${String(part)}` : String(part);
  }, '');
}

export function formatConfigIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  - ${fieldName(issue.path) || '(top level)'}: ${issue.message}`).join('\n');
}

/** Validates an already-parsed config object; `origin` names it in messages. */
export function parseConfig(raw: unknown, origin: string): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`invalid config ${origin}:\n${formatConfigIssues(result.error)}`);
  }
  return result.data;
}

export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}: ${(cause as Error).message}. Pass an existing file with --config FILE.`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(raw, path);
}
