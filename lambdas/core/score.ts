// Sentiment of a post's text: the AFINN-165 word list and the emoji ranking that the `sentiment`
// package ships, a small fan-campaign lexicon on top (lexicon/campaign-lexicon.json), and the few
// VADER-style rules (Hutto & Gilbert, ICWSM 2014) that measurably help on bench/sentiment.ts.
//
// We scan the text ourselves rather than call `new Sentiment().analyze(text, { extras })`:
// `extras` is Object.assign-ed into the package's one shared English label table, so it leaks
// into every other analyze() call in the process; and its whitespace tokenizer throws away what
// the rules need (punctuation, emoji glued to words, multi-word entries such as "bring back").

import type SentimentLibrary from 'sentiment';
// @ts-expect-error -- the package's types cover only its entry point; this is its English LanguageModule.
import english from 'sentiment/languages/en/index.js';
import emoji from 'sentiment/build/emoji.json' with { type: 'json' };
import campaign from './lexicon/campaign-lexicon.json' with { type: 'json' };
import type { Sentiment, SentimentLabel } from './types.ts';

/** Rules on top of the plain lexicon sum; bench/sentiment.ts measures each by switching it off. */
export interface ScoringRules {
  /** Multi-word and hyphenated entries ("bring back", AFINN's "fed up") match as one. */
  phrases: boolean;
  /** "#SaveBoschLegacy" reads as "save bosch legacy"; "#savebosch" scores as its campaign prefix. */
  hashtags: boolean;
  /** A negator flips the next few words, up to the end of its clause. */
  negation: boolean;
  /** "x but y": the words before "but" count half. */
  but: boolean;
  /** "very", "so", "slightly", … scale the sentiment word right after them. */
  boosters: boolean;
  /** "!" pushes a non-zero total further from zero. */
  exclamation: boolean;
  /** Text emoticons: ":)", ":-(", "<3", … */
  emoticons: boolean;
  /** "goooood" looks up as "good". */
  elongation: boolean;
  /** "&lt;3" reads as "<3", "&amp;" as "&". */
  entities: boolean;
}

export const ALL_RULES: Readonly<ScoringRules> = Object.freeze({
  phrases: true,
  hashtags: true,
  negation: true,
  but: true,
  boosters: true,
  exclamation: true,
  emoticons: true,
  elongation: true,
  entities: true,
});

// The numbers below were chosen on bench/sentiment.ts; its output shows what each rule adds.

/** Words after a negator that it still reaches: "I don't think this is good" is 4. */
const NEGATION_SCOPE = 4;
/** VADER's factor: "not good" is milder than "bad", and "not bad" is only mildly good. */
const NEGATION_FACTOR = -0.74;
/** Weight of the words before "but". Weighting the words after it up measured worse. */
const BEFORE_BUT = 0.5;
/** Multiplier step per intensifier (+) or diminisher (−). */
const BOOST = 0.3;
/** Added per "!" in the direction of the total, for at most MAX_EXCLAMATIONS of them. */
const EXCLAMATION = 1;
const MAX_EXCLAMATIONS = 4;
/**
 * The neutral band is 0 ≤ score ≤ 1, asymmetric on purpose: one weak positive word (AFINN +1:
 * "yes", "please", "cool") is as often in a neutral text as in a positive one, while a −1 text is
 * mostly negative. Measured against a symmetric band, accuracy is equal and macro-F1 higher.
 */
const POSITIVE_ABOVE = 1;
const NEGATIVE_BELOW = 0;

const NEGATORS = [
  'not', 'never', 'nor', 'neither', 'without', 'cannot', 'aint', 'dont', 'doesnt', 'didnt', 'isnt',
  'wasnt', 'arent', 'werent', 'cant', 'couldnt', 'wouldnt', 'shouldnt', 'wont', 'havent', 'hasnt',
  'hadnt', 'mustnt', 'neednt',
];

const INTENSIFIERS = [
  'very', 'so', 'really', 'extremely', 'absolutely', 'totally', 'completely', 'incredibly', 'utterly',
  'truly', 'highly', 'hugely', 'deeply', 'especially', 'particularly', 'entirely', 'thoroughly',
  'remarkably', 'unbelievably', 'tremendously', 'enormously', 'exceptionally', 'most', 'more',
  'super', 'fucking', 'freaking', 'friggin', 'frickin', 'effing', 'hella',
];

const DIMINISHERS = [
  'slightly', 'somewhat', 'barely', 'hardly', 'scarcely', 'marginally', 'partly', 'kinda', 'sorta',
  'kind of', 'sort of', 'a bit', 'a little', 'less', 'little', 'almost',
];

/** On AFINN's scale, like the emoji ranking the package ships. */
const EMOTICONS: Record<string, number> = {
  ':)': 2, ':-)': 2, '=)': 2, ':]': 2, '=]': 2, ':o)': 2, ':^)': 2, '(:': 2, '^_^': 2,
  ';)': 2, ';-)': 2, ';]': 2,
  ':D': 3, ':-D': 3, '=D': 3, ';D': 3, 'xD': 3, 'XD': 3,
  ':P': 1, ':-P': 1, ':p': 1, ':-p': 1, '=P': 1, '=p': 1, ';P': 1, ';p': 1,
  '<3': 3, '</3': -3,
  ':(': -2, ':-(': -2, '=(': -2, ':[': -2, '=[': -2, '):': -2,
  ":'(": -3, ":'-(": -3, ':,(': -3, '>:(': -3, '>:-(': -3,
  ':/': -1, ':-/': -1, '=/': -1, ':\\': -1, ':|': -1, ':-|': -1, '-_-': -1,
};

interface Entry {
  valence: number;
  /** +1 intensifier, −1 diminisher, 0 neither. */
  boost: number;
  negates: boolean;
}

interface Phrase {
  words: string[];
  entry: Entry;
}

function buildLexicon(): { words: Map<string, Entry>; phrases: Map<string, Phrase[]> } {
  const words = new Map<string, Entry>();
  const phrases = new Map<string, Phrase[]>();
  // Later layers change an entry field by field, so "super" keeps AFINN's +3 and gains a boost.
  const put = (key: string, change: Partial<Entry>): void => {
    const parts = key.toLowerCase().split(/[\s-]+/).filter(Boolean);
    const first = parts[0];
    if (first === undefined) return;
    if (parts.length === 1) {
      words.set(first, { valence: 0, boost: 0, negates: false, ...words.get(first), ...change });
      return;
    }
    const list = phrases.get(first) ?? [];
    const at = list.findIndex((p) => p.words.join(' ') === parts.join(' '));
    const entry = { valence: 0, boost: 0, negates: false, ...list[at]?.entry, ...change };
    if (at >= 0) list.splice(at, 1);
    list.push({ words: parts, entry });
    // Longest first, so "bring it back" is tried before anything shorter starting with "bring".
    list.sort((a, b) => b.words.length - a.words.length);
    phrases.set(first, list);
  };
  // Read into our own map now: `analyze(…, { extras })` anywhere in the process mutates the package's table.
  const afinn = (english as SentimentLibrary.LanguageModule).labels;
  for (const [key, valence] of Object.entries(afinn)) put(key, { valence });
  for (const [key, valence] of Object.entries(emoji as Record<string, number>)) put(key, { valence });
  for (const [key, valence] of Object.entries(campaign.entries as Record<string, number>)) put(key, { valence });
  for (const word of NEGATORS) put(word, { negates: true });
  for (const word of INTENSIFIERS) put(word, { boost: 1 });
  for (const word of DIMINISHERS) put(word, { boost: -1 });
  return { words, phrases };
}

const LEXICON = buildLexicon();
const HASHTAG_PREFIXES = Object.entries(campaign.hashtagPrefixes as Record<string, number>);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// A face may repeat its last character (":)))", "<333", "XDDD") and must end at a space,
// punctuation or the end of the text, so "9:30" and "xDrive" are not faces.
const EMOTICON_SOURCE = Object.keys(EMOTICONS)
  .sort((a, b) => b.length - a.length)
  .map((face) => `${escapeRegExp(face.slice(0, -1))}(?:${escapeRegExp(face.slice(-1))})+`)
  .join('|');

// One pass over the text; the groups are: 1 emoticon, 2 hashtag, 3 word, 4 punctuation, 5 symbol.
const TOKEN = new RegExp(
  [
    String.raw`(?:https?:\/\/|www\.)\S+|@\w+`, // links and mentions say nothing about sentiment
    `(${EMOTICON_SOURCE})(?=$|[\\s.,!?;])`,
    String.raw`#([\p{L}\p{N}_]+)`,
    String.raw`([\p{L}\p{N}]+(?:['’]\p{L}+)*)`,
    String.raw`([.,;:!?…\r\n]+)`, // a line break ends a clause too: a title, a list item
    String.raw`([^\s\p{L}\p{N}\p{P}])`,
  ].join('|'),
  'gu',
);

const CAMEL_PARTS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const WORD = 1;
/** An emoji, emoticon or campaign hashtag: a fixed valence, never negated or boosted. */
const VALUE = 2;
/** Clause punctuation or a line break: ends a negation's or a booster's reach. */
const STOP = 3;

function labelFor(score: number): SentimentLabel {
  if (score > POSITIVE_ABOVE) return 'positive';
  if (score < NEGATIVE_BELOW) return 'negative';
  return 'neutral';
}

/** A scorer with some rules switched off (for measuring them); scoreText has them all on. */
export function createScorer(rules: Readonly<ScoringRules> = ALL_RULES): (text: string) => Sentiment {
  // Scratch arrays reused across calls (scoring is synchronous): one text allocates little.
  const kinds: number[] = [];
  const words: string[] = [];
  const values: number[] = [];

  const lookup = (word: string): Entry | undefined => {
    const entry = LEXICON.words.get(word);
    if (entry !== undefined || !rules.elongation || !/(.)\1\1/.test(word)) return entry;
    return LEXICON.words.get(word.replace(/(.)\1+/g, '$1$1')) ?? LEXICON.words.get(word.replace(/(.)\1+/g, '$1'));
  };

  const pushWord = (word: string): void => {
    let lower = word.toLowerCase();
    if (lower.includes('’')) lower = lower.replace(/’/g, "'");
    kinds.push(WORD);
    words.push(lower);
    values.push(0);
  };
  const push = (kind: number, value: number): void => {
    kinds.push(kind);
    words.push('');
    values.push(value);
  };

  /** Fills the scratch arrays; returns the number of "!". */
  const tokenize = (text: string): number => {
    kinds.length = 0;
    words.length = 0;
    values.length = 0;
    let bangs = 0;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
      const [, face, tag, word, punct, symbol] = m;
      if (face !== undefined) {
        if (rules.emoticons) push(VALUE, EMOTICONS[face.replace(/(.)\1+$/, '$1')] ?? 0);
      } else if (tag !== undefined) {
        const parts = rules.hashtags ? (tag.match(CAMEL_PARTS) ?? []) : [];
        if (parts.length > 1) {
          for (const part of parts) pushWord(part);
          continue;
        }
        const lower = tag.toLowerCase();
        const prefix = rules.hashtags ? HASHTAG_PREFIXES.find(([p]) => lower.length > p.length && lower.startsWith(p)) : undefined;
        if (prefix !== undefined) push(VALUE, prefix[1]);
        else pushWord(tag);
      } else if (word !== undefined) {
        pushWord(word);
      } else if (punct !== undefined) {
        for (let k = 0; k < punct.length; k++) if (punct.charCodeAt(k) === 33) bangs++;
        push(STOP, 0);
      } else if (symbol !== undefined) {
        const entry = LEXICON.words.get(symbol);
        if (entry !== undefined) push(VALUE, entry.valence);
      }
    }
    return bangs;
  };

  /** The longest phrase starting at word i, else the word itself; and how many words it spans. */
  const match = (i: number): [Entry | undefined, number] => {
    const candidates = rules.phrases ? LEXICON.phrases.get(words[i]!) : undefined;
    if (candidates !== undefined) {
      for (const phrase of candidates) {
        const n = phrase.words.length;
        let k = 1;
        while (k < n && kinds[i + k] === WORD && words[i + k] === phrase.words[k]) k++;
        if (k === n) return [phrase.entry, n];
      }
    }
    return [lookup(words[i]!), 1];
  };

  return (raw: string): Sentiment => {
    const text = rules.entities && raw.includes('&') ? decodeEntities(raw) : raw;
    const bangs = tokenize(text);
    const firstBut = rules.but ? words.indexOf('but') : -1;

    let sum = 0;
    let tokens = 0;
    let negationLeft = 0;
    let boost = 0;
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i];
      if (kind === STOP) {
        negationLeft = 0;
        boost = 0;
        continue;
      }
      tokens++;
      const weight = i < firstBut ? BEFORE_BUT : 1;
      if (kind === VALUE) {
        sum += values[i]! * weight;
        continue;
      }
      const word = words[i]!;
      if (word === 'but') {
        negationLeft = 0;
        boost = 0;
        continue;
      }
      const [entry, span] = match(i);
      i += span - 1;
      tokens += span - 1;
      if (rules.negation && (entry?.negates === true || (span === 1 && word.endsWith("n't")))) {
        negationLeft = NEGATION_SCOPE;
        boost = 0;
        continue;
      }
      // "super" and "fucking" are AFINN words too: they only boost when a sentiment word follows.
      if (rules.boosters && entry !== undefined && entry.boost !== 0) {
        const next = kinds[i + 1] === WORD ? lookup(words[i + 1]!) : undefined;
        if (entry.valence === 0 || (next !== undefined && next.valence !== 0)) {
          boost += entry.boost * BOOST;
          negationLeft = Math.max(0, negationLeft - span);
          continue;
        }
      }
      let value = entry?.valence ?? 0;
      if (value !== 0) {
        value *= Math.max(0, 1 + boost);
        if (negationLeft > 0) value *= NEGATION_FACTOR;
        sum += value * weight;
      }
      boost = 0;
      negationLeft = Math.max(0, negationLeft - span);
    }

    if (rules.exclamation && sum !== 0 && bangs > 0) sum += Math.sign(sum) * Math.min(bangs, MAX_EXCLAMATIONS) * EXCLAMATION;

    // Rounded so that sums of fractional weights print as the numbers they are (2.22, not 2.2199…).
    const score = Math.round(sum * 1000) / 1000;
    return {
      score,
      comparative: tokens > 0 ? Math.round((sum / tokens) * 10000) / 10000 : 0,
      label: labelFor(score),
    };
  };
}

/**
 * Scores one text. `score` is on AFINN's scale, summed over the text (0 when nothing in it carries
 * sentiment); `comparative` is score per token (words, emoji and emoticons; links and mentions are
 * not tokens); `label` is positive above +1, negative below 0, neutral in between.
 */
export const scoreText: (text: string) => Sentiment = createScorer();
