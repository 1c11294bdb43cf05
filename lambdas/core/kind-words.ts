// How alerts of each kind are said in words: in messages, digests and logs. A new kind adds its line here.

import type { AlertKind } from './types.ts';

export interface KindWords {
  /** "petition spike": what happened, lower case. */
  label: string;
  /** What the alert counts, singular and plural: "petition mention(s)". */
  one: string;
  many: string;
  /** The short words for a subject line: "mention(s)". */
  shortOne: string;
  short: string;
  /** `fanpulse posts` flags that list exactly the posts counted. */
  postsFlags: readonly string[];
}

const WORDS: Readonly<Record<AlertKind, KindWords>> = {
  'petition-spike': { label: 'petition spike', one: 'petition mention', many: 'petition mentions', shortOne: 'mention', short: 'mentions', postsFlags: ['--petition'] },
  'volume-spike': { label: 'volume spike', one: 'post', many: 'posts', shortOne: 'post', short: 'posts', postsFlags: [] },
  'negativity-surge': { label: 'negativity surge', one: 'negative post', many: 'negative posts', shortOne: 'negative post', short: 'negative posts', postsFlags: ['--label', 'negative'] },
};

export const kindWords = (kind: AlertKind): KindWords => WORDS[kind];

/** "1 negative post", "37 petition mentions". */
export const countedText = (kind: AlertKind, count: number): string => `${count} ${count === 1 ? WORDS[kind].one : WORDS[kind].many}`;
