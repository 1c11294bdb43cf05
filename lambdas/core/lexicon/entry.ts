// The scorer's lexicon as it looks up words: one entry per word or phrase, with the rules' marks.
// Built from its sources by ./build.ts; the built CLI reads it back from the portable form below,
// made once at build time (bin/build-cli.ts), instead of layering ~11,000 keys on every start.

/** VADER rates on −4..+4, AFINN on −5..+5: VADER's values are scaled onto AFINN's. */
export const VADER_SCALE = 1.25;

export interface Entry {
  valence: number;
  /** +1 intensifier, −1 diminisher, 0 neither. */
  boost: number;
  /** 2 always negates, 1 only when a sentiment word follows within reach, 0 never. */
  negates: number;
  sarcastic: boolean;
  laughter: boolean;
}

export interface Phrase {
  words: string[];
  entry: Entry;
}

export interface Lexicon {
  words: Map<string, Entry>;
  phrases: Map<string, Phrase[]>;
}

/** The lexicon as JSON: a column per entry field (flags as 0/1), and each first word's phrases in lookup order. */
export interface PortableLexicon {
  words: string[];
  valence: number[];
  boost: number[];
  negates: number[];
  sarcastic: number[];
  laughter: number[];
  phrases: Array<[first: string, phrases: Array<[words: string[], valence: number, boost: number, negates: number, sarcastic: number, laughter: number]>]>;
}

export function toPortable(lexicon: Lexicon): PortableLexicon {
  const portable: PortableLexicon = { words: [], valence: [], boost: [], negates: [], sarcastic: [], laughter: [], phrases: [] };
  for (const [word, entry] of lexicon.words) {
    portable.words.push(word);
    portable.valence.push(entry.valence);
    portable.boost.push(entry.boost);
    portable.negates.push(entry.negates);
    portable.sarcastic.push(entry.sarcastic ? 1 : 0);
    portable.laughter.push(entry.laughter ? 1 : 0);
  }
  for (const [first, list] of lexicon.phrases) {
    portable.phrases.push([first, list.map(({ words, entry: e }) => [words, e.valence, e.boost, e.negates, e.sarcastic ? 1 : 0, e.laughter ? 1 : 0])]);
  }
  return portable;
}

export function fromPortable(portable: PortableLexicon): Lexicon {
  const words = new Map<string, Entry>();
  const { valence, boost, negates, sarcastic, laughter } = portable;
  portable.words.forEach((word, i) => {
    words.set(word, { valence: valence[i]!, boost: boost[i]!, negates: negates[i]!, sarcastic: sarcastic[i] === 1, laughter: laughter[i] === 1 });
  });
  const phrases = new Map<string, Phrase[]>();
  for (const [first, list] of portable.phrases) {
    phrases.set(
      first,
      list.map(([phraseWords, v, b, n, s, l]) => ({ words: phraseWords, entry: { valence: v, boost: b, negates: n, sarcastic: s === 1, laughter: l === 1 } })),
    );
  }
  return { words, phrases };
}
