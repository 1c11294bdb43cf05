// How each kind of alert is named in messages and logs, and what its count counts.

import type { AlertKind } from '../types.ts';

export interface KindLabel {
  /** "petition spike" */
  name: string;
  /** What `count` counts, for one and for several: "negative post" / "negative posts". */
  one: string;
  counted: string;
}

const LABELS: Record<AlertKind, KindLabel> = {
  'petition-spike': { name: 'petition spike', one: 'mention', counted: 'mentions' },
  'volume-spike': { name: 'volume spike', one: 'post', counted: 'posts' },
  'negativity-surge': { name: 'negativity surge', one: 'negative post', counted: 'negative posts' },
};

export const kindLabel = (kind: AlertKind): KindLabel => LABELS[kind];

/** "1 negative post", "37 mentions". */
export const countedText = (kind: AlertKind, count: number): string => `${count} ${count === 1 ? LABELS[kind].one : LABELS[kind].counted}`;
