// Mastodon's Status entity (https://docs.joinmastodon.org/entities/Status/), the fields a hashtag
// timeline's statuses are read by, and the one Post each stands for.

import { z } from 'zod';
import { absoluteHttpUrl } from '../../../core/canonical-link.ts';
import { collapseWhitespace, dedupKeyFor, htmlToPlainText } from '../../../core/normalise.ts';
import type { Post } from '../../../core/types.ts';

const statusFields = {
  id: z.string().min(1),
  uri: z.string(),
  url: z.string().nullish(),
  created_at: z.string(),
  content: z.string().default(''),
  spoiler_text: z.string().default(''),
  account: z.object({ acct: z.string() }).nullish(),
};
const originalSchema = z.object(statusFields);
export const statusSchema = z.object({ ...statusFields, reblog: originalSchema.nullish() });
export type Status = z.output<typeof statusSchema>;

/** How an unreadable status is named in source health: by its id when it has one. */
export function statusName(raw: unknown, index: number): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? `status ${id}` : `status #${index + 1} of the page`;
}

export function statusToPost(entry: Status, sourceId: string): Post {
  // A boost (reblog set) carries the original status: that is what was posted, under its own id and URL.
  const status = entry.reblog ?? entry;
  const link = absoluteHttpUrl(status.url) ?? absoluteHttpUrl(status.uri);
  const spoiler = collapseWhitespace(status.spoiler_text);
  const body = htmlToPlainText(status.content);
  const published = Date.parse(status.created_at);
  return {
    sourceId,
    id: status.id,
    dedupKey: dedupKeyFor(link, sourceId, status.id),
    link,
    author: status.account?.acct || null,
    // A status has no title; its content warning, if any, leads the text.
    title: '',
    text: [spoiler, body].filter((part) => part !== '').join(' — '),
    published: Number.isNaN(published) ? null : new Date(published).toISOString(),
  };
}
