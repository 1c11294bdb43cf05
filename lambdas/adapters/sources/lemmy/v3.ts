// Lemmy's HTTP API v3 (Lemmy 0.19 and older): GET /api/v3/post/list answers
// `{ posts: PostView[], next_page? }` (next_page since 0.19), GET /api/v3/comment/list answers
// `{ comments: CommentView[] }`; both page by `page` from 1, post lists also by `page_cursor`;
// `sort=New`. Times are `published`, without a zone before 0.19 (UTC).
// Shapes: lemmy-js-client release/v0.19, src/types/{PostView,CommentView,Post,Comment,GetPostsResponse}.ts.
// Fields are read leniently, as they changed between 0.17 and 0.19: only the id is required.

import { z } from 'zod';
import { pageReader, type LemmyApi } from './api.ts';
import { commentFields, postFields } from './views.ts';

const optionalText = z.string().nullish().transform((v) => v ?? null);
const flag = z.boolean().nullish().transform((v) => v === true);
const creator = z.object({ name: optionalText }).nullish().transform((c) => c?.name ?? null);

const postViewSchema = z
  .object({
    post: z.object({
      id: z.int(),
      name: optionalText,
      url: optionalText,
      body: optionalText,
      ap_id: optionalText,
      published: optionalText,
      deleted: flag,
      removed: flag,
      featured_community: flag,
    }),
    creator,
  })
  .transform(({ post, creator }) => postFields(post, { published: post.published, creator }));

const commentViewSchema = z
  .object({
    comment: z.object({ id: z.int(), content: optionalText, ap_id: optionalText, published: optionalText, deleted: flag, removed: flag }),
    post: z.object({ name: optionalText }).nullish(),
    creator,
  })
  .transform(({ comment, post, creator }) => commentFields(comment, { published: comment.published, creator, postName: post?.name ?? null }));

export const lemmyV3: LemmyApi = {
  version: 'v3',
  cursorsOnly: false,
  pageUrl(list, at, query) {
    const params = new URLSearchParams({ community_name: query.community, sort: 'New', limit: String(query.pageSize) });
    if (at.pageCursor !== null) params.set('page_cursor', at.pageCursor);
    else params.set('page', String(at.page));
    return `${query.instance}/api/v3/${list === 'posts' ? 'post' : 'comment'}/list?${params}`;
  },
  readPage: pageReader({ post: postViewSchema, comment: commentViewSchema }, (list) => list),
};
