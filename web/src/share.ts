// Share of voice: each topic's part of the posts in the range, as a table with a bar per row.

import { h } from './dom.ts';
import type { Share } from './series.ts';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function shareTable(shares: readonly Share[], topicName: (id: string) => string): HTMLElement {
  const total = shares.reduce((n, s) => n + s.posts, 0);
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'share' },
      h('caption', {}, `Posts per topic in the range (${total} in all)`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Topic'), h('th', { scope: 'col' }, 'Posts'), h('th', { scope: 'col' }, 'Share'))),
      h(
        'tbody',
        {},
        shares.map((s) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, topicName(s.topic)),
            h('td', { class: 'num' }, s.posts),
            h('td', { class: 'bar' }, h('meter', { min: 0, max: 1, value: s.share, 'aria-hidden': 'true' }), ' ', percent(s.share)),
          ),
        ),
      ),
    ),
  );
}
