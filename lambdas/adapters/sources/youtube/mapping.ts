// A YouTube comment or reply as the normalised Post: linked to the comment itself on its video's
// page (`&lc=` highlights it), timed by when it was first posted, titled by the video it is on.

import { collapseWhitespace, dedupKeyFor } from '../../../core/normalise.ts';
import type { Post } from '../../../core/types.ts';
import type { Comment } from './wire.ts';

const WATCH = 'https://www.youtube.com/watch';

export function commentPost(comment: Comment, videoId: string | null, sourceId: string, videoTitle: string | null): Post {
  const { snippet } = comment;
  const reply = snippet.parentId !== undefined;
  const link = videoId ? `${WATCH}?${new URLSearchParams({ v: videoId, lc: comment.id })}` : null;
  const on = collapseWhitespace(videoTitle ?? '');
  const what = reply ? 'Reply' : 'Comment';
  const author = collapseWhitespace(snippet.authorDisplayName ?? '');
  return {
    sourceId,
    id: comment.id,
    dedupKey: dedupKeyFor(link, sourceId, comment.id),
    link,
    author: author === '' ? null : author,
    title: on ? `${what} on: ${on}` : `${what} on a YouTube video`,
    text: collapseWhitespace(snippet.textOriginal ?? snippet.textDisplay),
    published: new Date(snippet.publishedAt).toISOString(),
  };
}
