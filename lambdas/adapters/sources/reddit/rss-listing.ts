// Reddit's public `.rss` listings (Atom 1.0), read without credentials: since 2025 Reddit answers
// anonymous `.json` with 403 (always from cloud addresses), while the Atom listings still answer a
// descriptive User-Agent, at a low rate. They page like the JSON listings (`limit`, `after=<fullname>`)
// and carry the same things under the same fullnames, written into Reddit's entry template:
//
//   <entry><author><name>/u/harry_fan_1950</name>…</author>
//     <content type="html">[<!-- SC_OFF --><div class="md">the body</div><!-- SC_ON -->]
//       submitted by <a …> /u/harry_fan_1950 </a> <span><a href="ARTICLE">[link]</a></span>
//       <span><a href="PERMALINK">[comments]</a></span></content>
//     <id>t3_1p4x0a9</id><link href="PERMALINK"/><updated>…</updated><published>…</published>
//     <title>the title</title></entry>
//
// A comment's entry holds only the body's md div, and its title is "/u/{author} on {post title}".
// The document is read by the project's feed parser; only the entry's content HTML, which Reddit
// generates from that fixed template, is picked apart here.

import { z } from 'zod';
import { parseFeedDate } from '../../../core/dates.ts';
import { FetchError, NotAFeedError } from '../../../core/errors.ts';
import { htmlToPlainText, plainText } from '../../../core/normalise.ts';
import type { Fetcher } from '../../../core/ports.ts';
import { parseFeed, type FeedItem } from '../../../core/parse/parse-feed.ts';
import { getWithHints, type AccessHints } from '../api/json.ts';
import { readItems, type RejectionCounter } from '../api/rejections.ts';
import type { ListingReader } from './listing.ts';
import type { RedditThing } from './map.ts';
import { REDDIT_USER_AGENT } from './oauth.ts';

const ATOM = 'application/atom+xml, application/xml;q=0.9, */*;q=0.1';

// The feed parser's entry (FeedItem), as Reddit must fill it for the entry to be a post or comment.
const entrySchema = z
  .object({
    guid: z.string().regex(/^t[13]_[0-9a-z]+$/, { error: 'the entry id is not a post or comment fullname (t3_…, t1_…)' }),
    links: z.array(z.string()).min(1, { error: 'the entry has no link' }),
    published: z.string().nullable(),
    updated: z.string().nullable(),
  })
  .loose()
  .refine((entry) => entryTime(entry) !== null, { error: 'the entry has no readable published or updated time', path: ['published'] });

const entryTime = (entry: Pick<FeedItem, 'published' | 'updated'>): string | null => parseFeedDate(entry.published) ?? parseFeedDate(entry.updated);

export function rssListingReader(fetcher: Fetcher, hints: AccessHints, rejections: RejectionCounter): ListingReader {
  return {
    format: 'rss',
    async read(url, validators) {
      const response = await getWithHints(
        fetcher,
        { url, accept: ATOM, headers: { 'User-Agent': REDDIT_USER_AGENT }, etag: validators?.etag, lastModified: validators?.lastModified },
        hints,
      );
      if (response.notModified) return { page: null, headers: {}, validators };
      let items: FeedItem[];
      try {
        items = parseFeed(response.body, response.contentType).items;
      } catch (error) {
        if (!(error instanceof NotAFeedError)) throw error;
        // Reddit answers a client it blocks with an HTML page ("whoa there, pardner!"), sometimes with a 200.
        throw new FetchError('not-a-feed', `not a Reddit Atom listing from ${response.url} (${error.message}): ${hints.unauthorized}`, { url: response.url }, { cause: error });
      }
      const entries = readItems(items, entrySchema, rejections, (item, index) => `entry ${(item as FeedItem).guid ?? `#${index + 1} of the page`}`);
      // The schema is loose: each entry that passed is the parser's whole FeedItem.
      const things = entries.map((entry) => fromEntry(entry as unknown as FeedItem));
      // An Atom listing does not say whether more follows: the next page is the one after the last
      // thing, and an empty page is the end. Reddit may send fewer than `limit` things with more to come.
      return {
        page: { items: things, next: things.at(-1)?.name ?? null },
        headers: response.headers,
        validators: { etag: response.etag, lastModified: response.lastModified },
      };
    },
  };
}

function fromEntry(entry: FeedItem): RedditThing {
  const name = entry.guid ?? '';
  const content = entry.content?.kind === 'html' ? entry.content.value : '';
  const comment = name.startsWith('t1_');
  const title = plainText(entry.title);
  return {
    kind: comment ? 't1' : 't3',
    name,
    createdMs: Date.parse(entryTime(entry) ?? ''),
    permalink: entry.links[0] ?? '',
    // Reddit writes "/u/name"; the JSON has the bare name.
    author: entry.author?.replace(/^\/u\//, '') ?? null,
    title: comment ? (/^\/u\/\S+ on (.*)$/s.exec(title)?.[1] ?? '') : title,
    text: htmlToPlainText(markdownBody(content)),
    target: comment ? null : linkTarget(content),
    removed: false,
  };
}

/** The md div (the post's or comment's body as Reddit rendered it), without the "submitted by" trailer. */
function markdownBody(content: string): string {
  const start = content.indexOf('<div class="md">');
  if (start < 0) return '';
  const end = content.lastIndexOf('</div>');
  return end > start ? content.slice(start, end + '</div>'.length) : content.slice(start);
}

/** The `[link]` anchor's target: the article of a link post; a self post's own permalink. */
function linkTarget(content: string): string | null {
  const href = /<a href="([^"]*)">\[link\]<\/a>/.exec(content)?.[1];
  return href === undefined ? null : decodeAttribute(href);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An HTML attribute value's character references (Reddit writes `&amp;` between query parameters). */
function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
