// Bluesky's answers as the atproto lexicons define them (github.com/bluesky-social/atproto, lexicons/):
// com.atproto.server.createSession / refreshSession output, app.bsky.feed.searchPosts output,
// app.bsky.feed.defs#postView, the app.bsky.feed.post record, app.bsky.richtext.facet and the
// app.bsky.embed.* records, and the XRPC error body {error, message}. Only the fields the adapter reads
// are listed; unknown fields (and open-union members the adapter does not know) are ignored.

import { z } from 'zod';
import { apiTimeMs } from '../api/shape.ts';

/** A lexicon `datetime`, read as epoch ms (an unreadable one fails the item). */
const datetimeMs = z.string().transform((value, ctx) => {
  const ms = apiTimeMs(value);
  if (ms === null) ctx.addIssue({ code: 'custom', message: `not a datetime: "${value}"` });
  return ms ?? 0;
});

/** XRPC's error body (xrpc-server errors.ts): 400 InvalidRequest / ExpiredToken, 401 AuthenticationRequired, 429 RateLimitExceeded, … */
export const xrpcErrorSchema = z.object({ error: z.string(), message: z.string().optional() });

/** com.atproto.server.createSession and refreshSession: the same output. */
export const sessionAnswerSchema = z.object({
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
  handle: z.string(),
  did: z.string().startsWith('did:'),
  /** The account's DID document: its PDS is the service entry `#atproto_pds` of type AtprotoPersonalDataServer. */
  didDoc: z.unknown().optional(),
  active: z.boolean().optional(),
  status: z.string().optional(),
});

export type SessionAnswer = z.output<typeof sessionAnswerSchema>;

const didServiceSchema = z.object({ id: z.string(), type: z.string(), serviceEndpoint: z.unknown() });
const didDocSchema = z.object({ id: z.string(), service: z.array(z.unknown()).optional() });

/** The PDS named in a DID document, as @atproto/common-web getPdsEndpoint reads it; null when there is none. */
export function pdsEndpoint(didDoc: unknown): string | null {
  const doc = didDocSchema.safeParse(didDoc);
  if (!doc.success) return null;
  for (const raw of doc.data.service ?? []) {
    const service = didServiceSchema.safeParse(raw);
    if (!service.success) continue;
    const { id, type, serviceEndpoint } = service.data;
    if (id !== '#atproto_pds' && id !== `${doc.data.id}#atproto_pds`) continue;
    if (type !== 'AtprotoPersonalDataServer' || typeof serviceEndpoint !== 'string') return null;
    return /^https?:\/\//.test(serviceEndpoint) && URL.canParse(serviceEndpoint) ? serviceEndpoint.replace(/\/+$/, '') : null;
  }
  return null;
}

/** app.bsky.feed.searchPosts output: `posts` (each read on its own, so one bad post is counted, not fatal) and the next page's `cursor`. */
export const searchAnswerSchema = z.object({
  posts: z.array(z.unknown()),
  cursor: z.string().optional(),
  hitsTotal: z.number().optional(),
});

const strongRefSchema = z.object({ uri: z.string(), cid: z.string() });

/** app.bsky.richtext.facet: a byte range of the text and what it is (#link, #mention, #tag). */
const facetSchema = z.object({
  index: z.object({ byteStart: z.number().int().min(0), byteEnd: z.number().int().min(0) }),
  features: z.array(z.object({ $type: z.string().optional(), uri: z.string().optional() })),
});

export type Facet = z.output<typeof facetSchema>;

/** app.bsky.embed.external#external: a link card. */
const externalSchema = z.object({ uri: z.string(), title: z.string(), description: z.string() });
const externalEmbedSchema = z.object({ $type: z.literal('app.bsky.embed.external'), external: externalSchema });
const quoteEmbedSchema = z.object({ $type: z.literal('app.bsky.embed.record'), record: strongRefSchema });

const KNOWN_EMBEDS = new Set(['app.bsky.embed.external', 'app.bsky.embed.record', 'app.bsky.embed.recordWithMedia']);
/** Images, video, galleries and what comes next: nothing the adapter reads. */
const otherEmbedSchema = z.object({ $type: z.string().refine((type) => !KNOWN_EMBEDS.has(type)) });

const quoteWithMediaEmbedSchema = z.object({
  $type: z.literal('app.bsky.embed.recordWithMedia'),
  record: z.object({ record: strongRefSchema }),
  media: z.union([externalEmbedSchema, otherEmbedSchema]),
});

/** app.bsky.feed.post: the record a postView carries. */
export const postRecordSchema = z.object({
  text: z.string(),
  /** Client-declared: may be in the future or long ago (imports); indexedAt is when the network saw it. */
  createdAt: z.string(),
  facets: z.array(facetSchema).optional(),
  reply: z.object({ root: strongRefSchema, parent: strongRefSchema }).optional(),
  embed: z.union([externalEmbedSchema, quoteEmbedSchema, quoteWithMediaEmbedSchema, otherEmbedSchema]).optional(),
  langs: z.array(z.string()).optional(),
  /** Hashtags beyond those in the text. */
  tags: z.array(z.string()).optional(),
});

export type PostRecord = z.output<typeof postRecordSchema>;

/** app.bsky.feed.defs#postView, its author an app.bsky.actor.defs#profileViewBasic. */
export const postViewSchema = z.object({
  uri: z.string().regex(/^at:\/\/[^/]+\/app\.bsky\.feed\.post\/[^/]+$/, { error: 'not an at:// uri of an app.bsky.feed.post' }),
  cid: z.string(),
  author: z.object({ did: z.string().startsWith('did:'), handle: z.string() }),
  record: postRecordSchema,
  indexedAt: datetimeMs,
});

export type PostView = z.output<typeof postViewSchema>;
