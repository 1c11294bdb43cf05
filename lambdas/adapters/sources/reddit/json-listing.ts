// Reddit's JSON listings read through the OAuth API (oauth.reddit.com with an app-only bearer
// token): the wire shapes, and a reader that retries once with a new token when one is refused.

import { z } from 'zod';
import { FetchError } from '../../../core/errors.ts';
import { htmlToPlainText } from '../../../core/normalise.ts';
import type { Fetcher } from '../../../core/ports.ts';
import { getJson, type AccessHints, type ApiAnswer } from '../api/json.ts';
import { markdownToPlainText } from '../api/markdown.ts';
import { readItems, type RejectionCounter } from '../api/rejections.ts';
import type { ListingAnswer, ListingReader } from './listing.ts';
import { commentPermalink, type RedditThing } from './map.ts';
import { REDDIT_USER_AGENT, type AppTokens } from './oauth.ts';

// The listing as Reddit sends it (https://github.com/reddit-archive/reddit/wiki/JSON): a Listing
// of things, each `{kind, data}`; t3 is a post ("link"), t1 a comment. Unknown fields are ignored.
const listingSchema = z.object({
  kind: z.literal('Listing'),
  data: z.object({
    after: z.string().nullish(),
    children: z.array(z.object({ kind: z.string(), data: z.unknown() })),
  }),
});

const thingFields = {
  name: z.string().regex(/^t[13]_[0-9a-z]+$/),
  created_utc: z.number(),
  author: z.string().nullish(),
  removed_by_category: z.string().nullish(),
};

const linkSchema = z.object({
  ...thingFields,
  permalink: z.string(),
  title: z.string().default(''),
  selftext: z.string().nullish(),
  selftext_html: z.string().nullish(),
  url: z.string().nullish(),
  is_self: z.boolean().nullish(),
});

// Older answers and archive dumps leave a comment's `permalink` out; its post and subreddit make one.
const commentSchema = z
  .object({
    ...thingFields,
    permalink: z.string().nullish(),
    subreddit: z.string().nullish(),
    link_id: z.string().regex(/^t3_[0-9a-z]+$/).nullish(),
    body: z.string().nullish(),
    body_html: z.string().nullish(),
    link_title: z.string().nullish(),
  })
  .refine((c) => c.permalink || (c.subreddit && c.link_id), {
    error: 'no permalink, and no subreddit and link_id to make one from',
    path: ['permalink'],
  });

const thingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('t3'), data: linkSchema }),
  z.object({ kind: z.literal('t1'), data: commentSchema }),
]);

type Thing = z.output<typeof thingSchema>;

/** Things by kind and fullname ("t1 t1_m9k0c04"), or by position when the fullname is missing too. */
function describe(child: unknown, index: number): string {
  const { kind, data } = child as { kind: string; data: unknown };
  const name = (data as { name?: unknown } | null)?.name;
  return `${kind} ${typeof name === 'string' ? name : `#${index + 1} of the page`}`;
}

/** One page: its posts and comments (any that fail their shape counted in `rejections`) and `after`. */
export function readJsonPage(answer: ApiAnswer, rejections: RejectionCounter): ListingAnswer['page'] {
  const listing = listingSchema.safeParse(answer.data);
  if (!listing.success) {
    throw new FetchError('not-a-feed', `not a Reddit listing from ${answer.url} (expected {"kind": "Listing", "data": {"children": [...]}})`, {
      url: answer.url,
    });
  }
  // Anything else in a listing ("more", subreddits in a search) is not a post or comment.
  const children = listing.data.data.children.filter((child) => child.kind === 't3' || child.kind === 't1');
  const things = readItems(children, thingSchema, rejections, describe);
  return { items: things.map(fromJson), next: listing.data.data.after ?? null };
}

function fromJson(thing: Thing): RedditThing {
  if (thing.kind === 't3') {
    const link = thing.data;
    return {
      kind: 't3',
      name: link.name,
      createdMs: link.created_utc * 1000,
      permalink: link.permalink,
      author: link.author ?? null,
      title: link.title,
      text: link.selftext_html ? htmlToPlainText(link.selftext_html) : markdownToPlainText(link.selftext ?? ''),
      target: link.is_self ? null : (link.url ?? null),
      removed: link.removed_by_category !== null && link.removed_by_category !== undefined,
    };
  }
  const comment = thing.data;
  return {
    kind: 't1',
    name: comment.name,
    createdMs: comment.created_utc * 1000,
    // A comment's fullname is t1_ and its id.
    permalink: comment.permalink || commentPermalink(comment.subreddit ?? '', comment.link_id ?? '', comment.name.slice(3)),
    author: comment.author ?? null,
    title: comment.link_title ?? '',
    text: comment.body_html ? htmlToPlainText(comment.body_html) : markdownToPlainText(comment.body ?? ''),
    target: null,
    removed: comment.removed_by_category !== null && comment.removed_by_category !== undefined,
  };
}

export function oauthListingReader(fetcher: Fetcher, tokens: AppTokens, hints: AccessHints, rejections: RejectionCounter): ListingReader {
  const headers = { 'User-Agent': REDDIT_USER_AGENT };
  const get = (url: string, accessToken: string) => getJson(fetcher, { url, headers: { ...headers, Authorization: `bearer ${accessToken}` } }, hints);

  async function answer(url: string, nowMs: number): Promise<ApiAnswer> {
    const token = await tokens.get(nowMs);
    try {
      return await get(url, token.accessToken);
    } catch (error) {
      if (!(error instanceof FetchError) || error.details.status !== 401) throw error;
      // Revoked, or expired sooner than announced: one new token and one retry, never a loop.
      return get(url, (await tokens.get(nowMs, token.accessToken)).accessToken);
    }
  }

  return {
    format: 'json',
    // The API's answers carry no validators worth keeping: every page is read in full.
    async read(url, _validators, nowMs) {
      const got = await answer(url, nowMs);
      return { page: readJsonPage(got, rejections), headers: got.headers, validators: null };
    },
  };
}
