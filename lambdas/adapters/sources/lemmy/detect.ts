// Which HTTP API an instance serves: Lemmy 1.0 serves v4 (GET /api/v4/site answers its
// GetSiteResponse, which carries `version`), 0.19 and older only v3 (404 there, or the web app's page).
// Detected once and kept in the cursor; checked again daily, so an upgraded instance moves to v4.

import { z } from 'zod';
import { FetchError } from '../../../core/errors.ts';
import type { Fetcher } from '../../../core/ports.ts';
import { getJson, type AccessHints } from '../api/json.ts';

export const apiCheckSchema = z.object({ version: z.enum(['v3', 'v4']), checkedAt: z.string() });
export type ApiCheck = z.output<typeof apiCheckSchema>;

const siteSchema = z.object({ version: z.string() });

export async function detectApi(fetcher: Fetcher, instance: string, hints: AccessHints, now: Date): Promise<ApiCheck> {
  const checkedAt = now.toISOString();
  try {
    const answer = await getJson(fetcher, { url: `${instance}/api/v4/site` }, hints);
    return { version: siteSchema.safeParse(answer.data).success ? 'v4' : 'v3', checkedAt };
  } catch (error) {
    const noV4 = error instanceof FetchError && (error.details.status === 404 || error.kind === 'not-a-feed');
    if (noV4) return { version: 'v3', checkedAt };
    // Refused, rate-limited or down: the lists would be too. The source fails (or is deferred) as it would on them.
    throw error;
  }
}
