// The post columns, shared by `fanpulse posts` (table, CSV) and the HTTP API's `/posts?format=csv`.

import type { ListedPost } from '../core/types.ts';
import { fixed, type Column } from './format.ts';

export const postColumns: Column<ListedPost>[] = [
  { header: 'published', value: (p) => p.published ?? '' },
  { header: 'topics', value: (p) => p.topics.join(' ') },
  { header: 'sources', value: (p) => p.sources.join(' ') },
  { header: 'petition', value: (p) => (p.petition ? 'yes' : 'no') },
  { header: 'label', value: (p) => p.label },
  { header: 'score', value: (p) => fixed(p.score, 1), numeric: true },
  { header: 'title', value: (p) => p.title },
  { header: 'link', value: (p) => p.link ?? '' },
  { header: 'author', value: (p) => p.author ?? '' },
];

/** A table row is one line: a long title is cut, and text without a title stands in for it. */
export const postTableColumns: Column<ListedPost>[] = postColumns
  .filter((column) => column.header !== 'author')
  .map((column) =>
    column.header === 'title'
      ? { header: 'title', value: (p) => oneLine(p.title || p.text, 60) }
      : column.header === 'published'
        ? { header: 'published (UTC)', value: (p) => (p.published ? p.published.slice(0, 16).replace('T', ' ') : `(seen ${p.bucketStart.slice(0, 13).replace('T', ' ')}h)`) }
        : column,
  );

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
