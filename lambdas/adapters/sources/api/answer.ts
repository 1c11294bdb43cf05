// An API answer's envelope (the list and the paging fields around the items) read against a zod
// schema. The items inside stay `unknown` there and are read one by one (rejections.ts), so a bad item
// is counted and the rest still read; an answer without its list is not this API's answer at all.

import type { z } from 'zod';
import type { ApiAnswer } from './json.ts';
import { unexpectedAnswer } from './shape.ts';

/** The answer's data read with `schema`; a not-a-feed failure saying what is `missing` otherwise. */
export function readAnswer<S extends z.ZodType>(answer: ApiAnswer, schema: S, missing: string): z.output<S> {
  const parsed = schema.safeParse(answer.data);
  if (!parsed.success) throw unexpectedAnswer(answer.url, missing);
  return parsed.data;
}
