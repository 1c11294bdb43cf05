// Lemmy's HTTP API v4 (Lemmy 1.0): GET /api/v4/post/list and /api/v4/comment/list answer a
// PagedResponse `{ items: PostView[] | CommentView[], next_page?, prev_page? }`; `page` is gone, a
// list pages only by passing `next_page` back as `page_cursor`; sort values are lower case (`new`);
// times are `published_at`.
// Shapes: lemmy-js-client main (1.0.0, commit 0d795f1), src/types/{PagedResponse,PostView,
// CommentView,Post,Comment,Person,GetPosts,GetComments,PostSortType}.ts. Fields read as documented:
// an entry without one of them is counted as unreadable.

import { z } from 'zod';
import { pageReader, type LemmyApi } from './api.ts';
import { commentFields, postFields } from './views.ts';

const optionalText = z.string().nullish().transform((v) => v ?? null);
const person = z.object({ name: z.string() });

const postViewSchema = z
  .object({
    post: z.object({
      id: z.int(),
      name: z.string(),
      url: optionalText,
      body: optionalText,
      ap_id: z.string(),
      published_at: z.string(),
      deleted: z.boolean(),
      removed: z.boolean(),
      featured_community: z.boolean(),
    }),
    creator: person,
  })
  .transform(({ post, creator }) => postFields(post, { published: post.published_at, creator: creator.name }));

const commentViewSchema = z
  .object({
    comment: z.object({ id: z.int(), content: z.string(), ap_id: z.string(), published_at: z.string(), deleted: z.boolean(), removed: z.boolean() }),
    post: z.object({ name: z.string() }),
    creator: person,
  })
  .transform(({ comment, post, creator }) => commentFields(comment, { published: comment.published_at, creator: creator.name, postName: post.name }));

export const lemmyV4: LemmyApi = {
  version: 'v4',
  cursorsOnly: true,
  pageUrl(list, at, query) {
    const params = new URLSearchParams({ community_name: query.community, sort: 'new', limit: String(query.pageSize) });
    if (at.pageCursor !== null) params.set('page_cursor', at.pageCursor);
    return `${query.instance}/api/v4/${list === 'posts' ? 'post' : 'comment'}/list?${params}`;
  },
  readPage: pageReader({ post: postViewSchema, comment: commentViewSchema }, () => 'items'),
};
