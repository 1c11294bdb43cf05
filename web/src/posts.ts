// Posts as the page lists them (behind an alert, or the range's newest): title (linked when the
// link is http(s)), where and when, sentiment and petition flag. All text goes in as text.

import type { ListedPost } from './api.ts';
import { h, safeHref } from './dom.ts';
import { timeElement } from './time.ts';

const SNIPPET = 280;

export function postList(posts: readonly ListedPost[], topicName: (id: string) => string): HTMLElement {
  if (posts.length === 0) return h('p', { class: 'empty' }, 'No posts in this range.');
  return h(
    'ol',
    { class: 'posts' },
    posts.map((post) => {
      const href = safeHref(post.link);
      const title = post.title || '(untitled)';
      const text = post.text.length > SNIPPET ? `${post.text.slice(0, SNIPPET).trimEnd()}…` : post.text;
      return h(
        'li',
        { class: `post ${post.label}` },
        h('p', { class: 'title' }, href ? h('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank' }, title) : title),
        text && text !== post.title ? h('p', { class: 'text' }, text) : null,
        h(
          'p',
          { class: 'meta' },
          timeElement(post.published ?? post.bucketStart),
          ' · ',
          post.sources.join(', '),
          post.author ? ` · ${post.author}` : '',
          ' · ',
          h('span', { class: `label ${post.label}` }, `${post.label} (${post.score > 0 ? '+' : ''}${post.score})`),
          post.petition ? [' · ', h('span', { class: 'petition' }, 'petition')] : null,
          ' · ',
          post.topics.map(topicName).join(', '),
        ),
      );
    }),
  );
}
