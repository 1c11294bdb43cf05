// A source's cursor (SourceState.cursor) is JSON it wrote itself on an earlier pass. Read back, it
// must match the source's zod schema and still be for the same target (instance, query, community):
// a cursor that is missing, not JSON, of another version or for another target means a first run.
// The cursor is an API source's whole place: its pass answers no HTTP validators (cursorPoll).

import type { z } from 'zod';
import type { SourcePoll } from '../../../core/ports.ts';
import type { Post } from '../../../core/types.ts';
import type { RejectionCounter } from './rejections.ts';

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

export interface CursorPass {
  posts: Post[];
  cursor: CursorHeader;
  rejections: RejectionCounter;
  /** False when every page answered as it was last pass (304). @default true */
  changed?: boolean;
  detail?: string | undefined;
}

/** What an API source's pass answers: its posts, the cursor written for the next pass, the items it could not read. */
export function cursorPoll({ posts, cursor, rejections, changed = true, detail }: CursorPass): SourcePoll {
  return { changed, posts, etag: null, lastModified: null, cursor: JSON.stringify(cursor), rejected: rejections.result(), detail };
}
