// The `lemmy` source type: a community's new posts and new comments, through the API the instance
// serves: v4 on Lemmy 1.0 (v4.ts), v3 on 0.19 and older (v3.ts), detected once and checked daily
// (detect.ts). Each list is walked newest first (walk.ts); both API versions' items map to one Post
// (items.ts).

import { z } from 'zod';
import type { Fetcher, Source } from '../../../core/ports.ts';
import { cursorPoll, readCursorAs } from '../api/cursor.ts';
import { catchUpHorizonMs } from '../api/horizon.ts';
import { freshCheck } from '../api/instance-check.ts';
import type { AccessHints } from '../api/json.ts';
import { createRejectionCounter } from '../api/rejections.ts';
import type { PageReader } from './api.ts';
import { apiCheckSchema, detectApi } from './detect.ts';
import { lemmyV3 } from './v3.ts';
import { lemmyV4 } from './v4.ts';
import { EMPTY_LIST, listCursorSchema, pollList, restartWalk, type ListCursor } from './walk.ts';

export interface LemmySourceConfig {
  id: string;
  /** The instance's root URL, e.g. https://lemmy.world. */
  instance: string;
  /** The community's name, or name@instance for one hosted elsewhere. */
  community: string;
}

export interface LemmyLimits {
  /** Items per answer (`limit`); Lemmy's maximum is 50. */
  pageSize: number;
  /** Answers per pass for each list (posts, comments). */
  pagesPerList: number;
}

export const LEMMY_LIMITS: LemmyLimits = { pageSize: 50, pagesPerList: 5 };

// The cursor (SourceState.cursor), JSON: the API the instance serves, and each list's walk.
const cursorSchema = z.object({
  v: z.literal(2),
  /** The instance and community: ids are the instance's own, so either changed starts over. */
  for: z.string(),
  api: apiCheckSchema,
  posts: listCursorSchema,
  comments: listCursorSchema,
});
type LemmyCursor = z.output<typeof cursorSchema>;

export function createLemmySource(config: LemmySourceConfig, fetcher: Fetcher, limits: Partial<LemmyLimits> = {}): Source {
  const instance = config.instance.replace(/\/+$/, '');
  const budget = { ...LEMMY_LIMITS, ...limits };
  const community = config.community.replace(/^!/, '');
  const target = `${instance}/c/${community}`;
  const hints: AccessHints = {
    unauthorized: `the instance refused anonymous API access: check the instance's settings (a private instance needs a login) and that "instance" is a Lemmy instance`,
    notFound: `check "community" (its name, e.g. "television", or name@instance for a community hosted elsewhere that ${instance} knows) and that "instance" is the instance's root URL`,
  };
  return {
    id: config.id,
    async poll(state, now) {
      const previous = readCursorAs(state.cursor, cursorSchema, target);
      const api = freshCheck(previous?.api ?? null, now) ?? (await detectApi(fetcher, instance, hints, now));
      // The same instance's ids under another API version: what was read stays read; an unfinished walk starts again from the top.
      const switched = previous !== null && previous.api.version !== api.version;
      const resume = (list: ListCursor): ListCursor => (switched ? restartWalk(list) : list);
      const rejections = createRejectionCounter();
      const read: PageReader = {
        fetcher,
        api: api.version === 'v4' ? lemmyV4 : lemmyV3,
        query: { instance, community, pageSize: budget.pageSize },
        ctx: { instance, sourceId: config.id },
        hints,
        rejections,
      };
      const listBudget = { pages: budget.pagesPerList, horizonMs: catchUpHorizonMs(now) };
      const posts = await pollList(read, 'posts', resume(previous?.posts ?? EMPTY_LIST), listBudget);
      const comments = await pollList(read, 'comments', resume(previous?.comments ?? EMPTY_LIST), listBudget);
      const next: LemmyCursor = { v: 2, for: target, api, posts: posts.state, comments: comments.state };
      return cursorPoll({
        posts: [...posts.posts, ...comments.posts],
        cursor: next,
        rejections,
        detail: `reads API ${api.version} (${api.version === 'v4' ? 'Lemmy 1.0 or later' : 'Lemmy 0.19 or older'})`,
      });
    },
  };
}
