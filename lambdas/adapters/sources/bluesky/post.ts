// A search hit (app.bsky.feed.defs#postView with its app.bsky.feed.post record) as a Post. The id is
// the post's at:// uri; the link its bsky.app page. Link facets carry the full URL where the text shows
// it shortened ("variety.com/2026/tv/ne..."), so the text gets the full URL back. A reply is titled by
// whom it answers; a quote is a post of its own (its own words, its own key); a post that links an
// article (a link card, else a link in the text) is keyed by the article, like a Reddit link post,
// so the story counts once across sources.

import { Buffer } from 'node:buffer';
import { absoluteHttpUrl } from '../../../core/canonical-link.ts';
import { collapseWhitespace, dedupKeyFor } from '../../../core/normalise.ts';
import type { Post } from '../../../core/types.ts';
import { apiTimeMs } from '../api/shape.ts';
import type { Facet, PostRecord, PostView } from './wire.ts';

const SITE = 'https://bsky.app';
/** What an unverified handle shows as: such an account is linked by its DID. */
const INVALID_HANDLE = 'handle.invalid';
/** Links to Bluesky itself (posts, profiles, feeds) are not articles. */
const BLUESKY_HOSTS = /(^|\.)(bsky\.app|bsky\.social|go\.bsky\.app)$/i;
const LINK_FEATURE = 'app.bsky.richtext.facet#link';

/** The parts of an at:// uri: at://{authority}/{collection}/{rkey}. */
export function atUriParts(uri: string): { authority: string; rkey: string } {
  const [authority = '', , rkey = ''] = uri.replace(/^at:\/\//, '').split('/');
  return { authority, rkey };
}

/** Handles by DID of the accounts seen in this pass: how a reply's parent gets a name. */
export type KnownHandles = Map<string, string>;

export function blueskyPost(view: PostView, sourceId: string, handles: KnownHandles): Post {
  const { record, author } = view;
  const name = author.handle === INVALID_HANDLE ? author.did : author.handle;
  const link = `${SITE}/profile/${name}/post/${atUriParts(view.uri).rkey}`;
  const article = articleUrl(record);
  // The pipeline places a createdAt in the future at first sight; one that does not parse falls back to indexedAt.
  const published = new Date(apiTimeMs(record.createdAt) ?? view.indexedAt).toISOString();
  return {
    sourceId,
    id: view.uri,
    dedupKey: dedupKeyFor(article ?? link, sourceId, view.uri),
    link,
    author: name,
    title: replyTitle(record, handles) ?? linkCardTitle(record) ?? '',
    text: textWithLinks(record),
    published,
  };
}

function replyTitle(record: PostRecord, handles: KnownHandles): string | null {
  if (!record.reply) return null;
  const { authority } = atUriParts(record.reply.parent.uri);
  // An at:// uri names its repo by DID, rarely by handle.
  const handle = authority.startsWith('did:') ? handles.get(authority) : authority;
  return handle && handle !== INVALID_HANDLE ? `Reply to @${handle}` : 'Reply';
}

function linkCard(record: PostRecord): { uri: string; title: string } | null {
  const embed = record.embed;
  if (!embed) return null;
  if ('external' in embed) return embed.external;
  if ('media' in embed && 'external' in embed.media) return embed.media.external;
  return null;
}

function linkCardTitle(record: PostRecord): string | null {
  const title = collapseWhitespace(linkCard(record)?.title ?? '');
  return title === '' ? null : title;
}

const linkUris = (facets: readonly Facet[] | undefined): string[] =>
  (facets ?? []).flatMap((facet) => facet.features.filter((f) => f.$type === LINK_FEATURE && f.uri).map((f) => f.uri!));

/** The article a post links: its link card, else the first link in its text that leads off Bluesky. */
function articleUrl(record: PostRecord): string | null {
  for (const candidate of [linkCard(record)?.uri, ...linkUris(record.facets)]) {
    const url = absoluteHttpUrl(candidate);
    if (url && !BLUESKY_HOSTS.test(new URL(url).hostname)) return url;
  }
  return null;
}

/** "variety.com/2026/tv/ne..." shows https://variety.com/2026/tv/news/…: the shown text is a shortening of the URL. */
function shortens(shown: string, uri: string): boolean {
  const bare = (text: string) => text.replace(/^https?:\/\//i, '').replace(/^www\./i, '');
  const stem = bare(shown.trim().replace(/(\.\.\.|…)$/, ''));
  return stem.length > 0 && bare(uri).startsWith(stem);
}

/**
 * The record's text with each link facet's full URL: in place of a shortened URL, after the text
 * when the link sits on words ("the petition") or its byte range does not fit the text. Hashtags in
 * `tags` (not written in the text) are added, so a topic keyword like #saveboschlegacy matches.
 */
function textWithLinks(record: PostRecord): string {
  const bytes = Buffer.from(record.text, 'utf8');
  const parts: string[] = [];
  const extra: string[] = [];
  let at = 0;
  const links = (record.facets ?? [])
    .filter((facet) => facet.features.some((f) => f.$type === LINK_FEATURE && f.uri))
    .sort((a, b) => a.index.byteStart - b.index.byteStart);
  for (const facet of links) {
    const uri = linkUris([facet])[0]!;
    const { byteStart, byteEnd } = facet.index;
    if (byteStart < at || byteEnd <= byteStart || byteEnd > bytes.length) {
      extra.push(uri);
      continue;
    }
    const shown = bytes.subarray(byteStart, byteEnd).toString('utf8');
    parts.push(bytes.subarray(at, byteStart).toString('utf8'));
    if (shortens(shown, uri)) parts.push(uri);
    else {
      parts.push(shown);
      extra.push(uri);
    }
    at = byteEnd;
  }
  parts.push(bytes.subarray(at).toString('utf8'));
  let text = parts.join('');
  for (const uri of extra) if (!text.includes(uri)) text += ` ${uri}`;
  const written = new Set((text.match(/#[^\s#]+/g) ?? []).map((tag) => tag.slice(1).toLowerCase()));
  for (const tag of record.tags ?? []) if (!written.has(tag.replace(/^#/, '').toLowerCase())) text += ` #${tag.replace(/^#/, '')}`;
  return collapseWhitespace(text);
}
