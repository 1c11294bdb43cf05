// How alerts of each kind are said in words. A kind without an entry still reads well ("volume
// spike", "posts"); a new kind adds its line here.

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

const WORDS: Readonly<Record<string, KindWords>> = {
  'petition-spike': { label: 'petition spike', one: 'petition mention', many: 'petition mentions', shortOne: 'mention', short: 'mentions', postsFlags: ['--petition'] },
};

export function kindWords(kind: string): KindWords {
  return WORDS[kind] ?? { label: kind.replace(/-/g, ' '), one: 'post', many: 'posts', shortOne: 'post', short: 'posts', postsFlags: [] };
}
