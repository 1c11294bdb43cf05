// The dashboard page's files (being built: issue 9). Until then no path is a page file.

import type { HttpResponse } from './query-api.ts';

export async function answerPage(_path: string): Promise<HttpResponse | null> {
  return null;
}
