// A source's cursor (SourceState.cursor) is JSON it wrote itself on an earlier pass. Read back, it
// must match the source's zod schema and still be for the same target (instance, query, community):
// a cursor that is missing, not JSON, of another version or for another target means a first run.

import type { z } from 'zod';

/** The fields every API source's cursor carries: its version and what it is for. */
export interface CursorHeader {
  v: number;
  for: string;
}

export function readCursorAs<S extends z.ZodType<CursorHeader>>(raw: string | null, schema: S, target: string): z.output<S> | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const cursor = schema.safeParse(value);
  return cursor.success && cursor.data.for === target ? cursor.data : null;
}
