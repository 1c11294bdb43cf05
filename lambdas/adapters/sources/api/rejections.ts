// Items an API sent that fail its wire schema (a changed API, a half-written record): each is
// counted and the first reason kept, so `fanpulse sources` shows what a source could not read
// instead of the item vanishing.

import type { z } from 'zod';
import type { Rejections } from '../../../core/types.ts';

export interface RejectionCounter {
  /** Records one unreadable item; `what` names it (e.g. "comment t1_abc"). */
  reject(what: string, reason: string): void;
  /** What was rejected so far; undefined when nothing was. */
  result(): Rejections | undefined;
}

export function createRejectionCounter(): RejectionCounter {
  let count = 0;
  let first: string | null = null;
  return {
    reject(what, reason) {
      count += 1;
      first ??= `${what}: ${reason}`;
    },
    result: () => (count === 0 ? undefined : { count, first }),
  };
}

/** The first problem zod found, as "field: message". */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the expected shape';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Each raw item read with `schema`; the ones that fail are counted in `rejections`, named by `what`. */
export function readItems<S extends z.ZodType>(
  raw: readonly unknown[],
  schema: S,
  rejections: RejectionCounter,
  what: (item: unknown, index: number) => string,
): z.output<S>[] {
  const items: z.output<S>[] = [];
  raw.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) items.push(parsed.data);
    else rejections.reject(what(item, index), firstIssue(parsed.error));
  });
  return items;
}
