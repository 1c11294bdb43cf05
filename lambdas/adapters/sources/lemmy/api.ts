// What the walk needs of a Lemmy API version (v3.ts for 0.19 and older, v4.ts for 1.0): the URL of
// one page of a community's posts or comments, newest first, and that page read into listed items.

import type { z } from 'zod';
import { FetchError } from '../../../core/errors.ts';
import type { Fetcher } from '../../../core/ports.ts';
import { getJson, type AccessHints } from '../api/json.ts';
import { readItems, type RejectionCounter } from '../api/rejections.ts';
import { unexpectedAnswer } from '../api/shape.ts';
import { listedComment, listedPost, type CommentFields, type ItemContext, type ListedItem, type PostFields } from './items.ts';

export type ListName = 'posts' | 'comments';

export interface ListQuery {
  instance: string;
  community: string;
  pageSize: number;
}

/** Where in a list a page is: by the instance's cursor when it gave one, else by number (v3 only). */
export interface PageAt {
  page: number;
  pageCursor: string | null;
}

export interface ListPage {
  items: ListedItem[];
  /** Entries the answer held, readable or not: a short answer is the list's end. */
  size: number;
  /** The instance's cursor for the next page, when it gave one. */
  next: string | null;
}

export interface LemmyApi {
  version: 'v3' | 'v4';
  /** The list pages only by cursor: an answer without `next_page` is its end. */
  cursorsOnly: boolean;
  pageUrl(list: ListName, at: PageAt, query: ListQuery): string;
  readPage(list: ListName, data: unknown, url: string, ctx: ItemContext, rejections: RejectionCounter): ListPage;
}

export interface PageReader {
  fetcher: Fetcher;
  api: LemmyApi;
  query: ListQuery;
  ctx: ItemContext;
  hints: AccessHints;
  rejections: RejectionCounter;
}

export async function readListPage(read: PageReader, list: ListName, at: PageAt): Promise<ListPage> {
  const url = read.api.pageUrl(list, at, read.query);
  let answer;
  try {
    answer = await getJson(read.fetcher, { url }, read.hints);
  } catch (error) {
    // Lemmy answers 400 with {"error":"couldnt_find_community"} for a community it does not know, and
    // with {"error":"instance_is_private"} to anonymous readers of a private instance.
    if (error instanceof FetchError && error.details.status === 400) {
      const hint = `${read.hints.notFound}, and that the instance is not private`;
      throw new FetchError('http-status', `${error.message}: ${hint}`, error.details, { cause: error });
    }
    throw error;
  }
  return read.api.readPage(list, answer.data, answer.url, read.ctx, read.rejections);
}

/** The answer's entries at `key`; a named failure when the answer has no such list (an error page, another API). */
function entriesAt(data: unknown, key: string, url: string): unknown[] {
  const entries = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(entries)) throw unexpectedAnswer(url, `no "${key}" list`);
  return entries;
}

/** The `next_page` cursor of an answer, when it has one. */
function nextPage(data: unknown): string | null {
  const next = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['next_page'] : undefined;
  return typeof next === 'string' && next !== '' ? next : null;
}

/** How an unreadable entry is named in source health: by its id when it has one. */
function entryName(list: ListName, key: 'post' | 'comment') {
  return (raw: unknown, index: number): string => {
    const inner = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
    const id = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>)['id'] : undefined;
    return typeof id === 'number' ? `${key} ${id}` : `${list} entry #${index + 1} of the page`;
  };
}

/** One version's wire shapes of a listed post and comment, read into the fields both versions share. */
export interface WireShapes {
  post: z.ZodType<PostFields>;
  comment: z.ZodType<CommentFields>;
}

/** Reads a page with a version's shapes, its entries at `key`; unreadable entries are counted. */
export function pageReader(shapes: WireShapes, key: (list: ListName) => string): LemmyApi['readPage'] {
  return (list, data, url, ctx, rejections) => {
    const entries = entriesAt(data, key(list), url);
    const items =
      list === 'posts'
        ? readItems(entries, shapes.post, rejections, entryName(list, 'post')).map((fields) => listedPost(fields, ctx))
        : readItems(entries, shapes.comment, rejections, entryName(list, 'comment')).map((fields) => listedComment(fields, ctx));
    return { items, size: entries.length, next: nextPage(data) };
  };
}
