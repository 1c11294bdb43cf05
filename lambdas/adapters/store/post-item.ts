// A stored post (POST#<postId> / POST): what ingest writes, and what a recount reads back to match
// it again. Matching reads the title, the whole text and the link, so a text longer than the
// excerpt kept for display is kept whole too, gzipped (most posts are short and pay nothing extra).

import { gunzipSync, gzipSync } from 'node:zlib';
import type { StoredPost } from '../../core/recount.ts';
import type { ScoredPost, SentimentLabel } from '../../core/types.ts';
import type { Item } from './table-client.ts';
import { keys, TTL_ATTRIBUTE } from './table-schema.ts';

/** Text kept with a stored post: enough for an alert e-mail, small enough for cheap writes. */
const STORED_TEXT_CHARS = 600;

/** The item of a post seen for the first time: `first` is the version stored, `sources` every source that yielded it. */
export function postItem(id: string, first: ScoredPost, sources: ReadonlySet<string>, bucketStart: string, expiresAt: number): Item {
  const cut = first.text.length > STORED_TEXT_CHARS;
  // Flat and small: every attribute here is paid for on each of the pass's post writes.
  return {
    ...keys.post(id), sourceId: first.sourceId, sources: new Set(sources), link: first.link, author: first.author,
    title: first.title, text: first.text.slice(0, STORED_TEXT_CHARS), ...(cut ? { fullText: gzipSync(first.text) } : {}),
    published: first.published, bucketStart,
    topics: first.topics.map((t) => t.topicId), petitionTopics: first.topics.filter((t) => t.petition).map((t) => t.topicId),
    score: first.sentiment.score, label: first.sentiment.label, [TTL_ATTRIBUTE]: expiresAt,
  };
}

export const postIdOf = (item: Item): string => String(item.pk).slice('POST#'.length);

/** A stored post as a recount sees it; `sources` null for posts stored before the sources and whole text were kept. */
export function readStoredPost(item: Item): StoredPost {
  const fullText = item.fullText as Uint8Array | undefined;
  return {
    id: postIdOf(item),
    title: String(item.title ?? ''),
    text: fullText ? gunzipSync(fullText).toString('utf8') : String(item.text ?? ''),
    link: (item.link as string | null | undefined) ?? null,
    sourceId: String(item.sourceId ?? ''),
    bucketStart: String(item.bucketStart),
    sources: item.sources instanceof Set ? [...(item.sources as Set<string>)].sort() : null,
    sentiment: { score: Number(item.score ?? 0), label: (item.label as SentimentLabel | undefined) ?? 'neutral' },
    topics: (item.topics as string[] | undefined) ?? [],
    petitionTopics: (item.petitionTopics as string[] | undefined) ?? [],
  };
}
