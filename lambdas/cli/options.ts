// The options of the commands that are not queries (poll, inspect): each schema owns
// its defaults and choices, and commander only names the flags. The query commands' options are
// lambdas/query/params.ts, shared with the HTTP API (and recount's, shared with the poll function). Problems are UsageErrors naming the option.

import { z } from 'zod';
import { SOURCE_TYPES } from '../config/schema.ts';
import { booleanParam, parseParams } from '../query/params.ts';
import type { CommonOptions } from './context.ts';

export const pollOptionsSchema = z.strictObject({
  once: booleanParam.default(false),
});

export const inspectOptionsSchema = z.strictObject({
  type: z.enum(SOURCE_TYPES, { error: `must be one of ${SOURCE_TYPES.join(', ')}` }).default('rss'),
  format: z.enum(['table', 'json'], { error: 'must be "table" or "json"' }).default('table'),
});

/** A command's own options, parsed by its schema; the options every command shares are set apart. */
export function commandOptions<S extends z.ZodType>(schema: S, options: CommonOptions & Record<string, unknown>): z.output<S> {
  const { config: _config, dataDir: _dataDir, now: _now, ...own } = options;
  return parseParams(schema, own);
}
