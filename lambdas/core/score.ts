// Sentiment of a post's text: the AFINN-165 word list and the emoji ranking that the `sentiment`
// package ships, VADER's human-rated lexicon over them (lexicon/vader-lexicon.json, MIT, Hutto &
// Gilbert, ICWSM 2014), a small fan-campaign lexicon on top (lexicon/campaign-lexicon.json), and the
// VADER-style rules that measurably help on bench/sentiment.ts (tweets, reviews and editorials).
// The layers are merged in lexicon/build.ts.
//
// We scan the text ourselves rather than call `new Sentiment().analyze(text, { extras })`:
// `extras` is Object.assign-ed into the package's one shared English label table, so it leaks
// into every other analyze() call in the process; and its whitespace tokenizer throws away what
// the rules need (punctuation, emoji glued to words, multi-word entries such as "bring back").

import { decodeHTMLStrict } from 'entities';
import campaign from './lexicon/campaign-lexicon.json' with { type: 'json' };
import { type Entry, VADER_SCALE } from './lexicon/entry.ts';
import { lexiconFor } from './lexicon/lexicons.ts';
import type { Sentiment, SentimentLabel } from './types.ts';
import { codeUnits, isLetterCodePoint, isWordCodePoint } from './word-chars.ts';

/** Rules on top of the plain lexicon sum; bench/sentiment.ts measures each by switching it off. */
export interface ScoringRules {
  /** VADER's human-rated lexicon (lexicon/vader-lexicon.json) over AFINN where both have a word. */
  vaderLexicon: boolean;
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
  /** "&lt;3" reads as "<3", "&amp;" as "&": any HTML entity closed by ";". */
  entities: boolean;
  /** "no" and "nothing", "none", "nobody", … negate like "not" when a sentiment word follows in their reach. */
  noNegates: boolean;
  /** "Oh great, …", "Just perfect." in an otherwise negative text count as negative. */
  sarcasm: boolean;
  /** A clause that ends in "?" asks rather than says: its words count a quarter. */
  questions: boolean;
  /** "lol", "haha", … are the writer's reaction, like an emoticon: never negated or boosted. */
  laughter: boolean;
  /** "not just", "not only", "not merely", "not simply" add rather than deny: they do not negate. */
  notJust: boolean;
  /** VADER's "never so/this": "never slept so well", "haven't been this sore" compare, they do not negate. */
  neverSo: boolean;
  /** "but also", "nothing but", "all but" do not contrast; "however" contrasts like "but". */
  contrastWords: boolean;
  /** Clause-initial "well", "yes", "yeah", "ok" and the "well" of "as well" are discourse markers, not opinions. */
  discourseMarkers: boolean;
  /** "I wish I was there" longs for what is not: "wish" before a clause is not praise (unless exclaimed). */
  wishes: boolean;
  /** "looks like", "just like", "Like the first film, …" compare: that "like" is not liking. */
  likeCompares: boolean;
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
  vaderLexicon: true,
  noNegates: true,
  sarcasm: true,
  questions: true,
  laughter: true,
  notJust: true,
  neverSo: true,
  contrastWords: true,
  discourseMarkers: true,
  wishes: true,
  likeCompares: true,
});

// The numbers below were chosen on bench/sentiment.ts, on all four of its data sets (tweets, movie
// reviews, product reviews, editorials); its output shows what each rule adds on each.

/** Words after a negator that it still reaches: "I don't think this is good" is 4. */
const NEGATION_SCOPE = 4;
/** VADER's factor: "not good" is milder than "bad", and "not bad" is only mildly good. */
const NEGATION_FACTOR = -0.74;
/** "x but y": the words before "but" count half, the words after it half again (VADER's weights). */
const BEFORE_BUT = 0.5;
const AFTER_BUT = 1.5;
/** Multiplier step per intensifier (+) or diminisher (−). */
const BOOST = 0.3;
/** Added per "!" in the direction of the total, for at most MAX_EXCLAMATIONS of them. */
const EXCLAMATION = 1;
const MAX_EXCLAMATIONS = 4;
/**
 * Weight of a clause ending in "?": "is it good?" does not say it is. Measured on all four sets
 * (bench/sentiment.ts): 0.25 gained on each (tweets +9, movie reviews +2, product reviews +5,
 * editorials +7 texts); 0.5 and 0.75 gained less, 0 lost on tweets and movie reviews.
 */
const QUESTION_WEIGHT = 0.25;
/**
 * The neutral band is 0 ≤ score ≤ 0.5, chosen on all four benchmark sets (bench/sentiment.ts prints
 * the cuts): a text with any negative word is mostly negative, while a faint positive (one VADER
 * word rated +0.4, "ok") is as often neutral. Cutting at > 1 lost 2 points on movie reviews for
 * nothing on tweets; cutting at > 0 lost 0.8 points on editorials.
 */
const POSITIVE_ABOVE = 0.5;
const NEGATIVE_BELOW = 0;

/** After "not" these make "not just good" mean "good and more": the "not" negates nothing. */
const NOT_JUST = new Set(['just', 'only', 'merely', 'simply']);

/**
 * Negators that, two or more words before "so"/"this" + an opinion word, compare with every other
 * time ("I have never slept so well", "haven't been this sore in a while"): VADER's "never so/this"
 * rule, which keeps the word's own sign. Not "not": "it is not so easy" still negates.
 */
const NEVER_SO = new Set(['never', "haven't", 'havent', "hasn't", 'hasnt', "hadn't", 'hadnt']);

/**
 * "but" that does not turn the sentence: "not only funny but also moving", "nothing but a soap"
 * (only), "all but lost" (almost). "however" turns it like "but".
 */
const NOT_CONTRAST_BEFORE = new Set(['nothing', 'all']);
const NOT_CONTRAST_AFTER = new Set(['also']);

/**
 * Words that open a clause as a reply or a pause, not as an opinion: "Yeah, I know", "Ok, let's
 * see", "Well, the mind sees what it wants". An exclamation ("Yes!") keeps its value, and so does
 * "well" before a participle ("Well acted", "Well done").
 */
const DISCOURSE_MARKERS = new Set(['well', 'yes', 'yeah', 'yea', 'ok', 'okay']);
const PARTICIPLE = /(?:ed|en|done|made|worth)$/;

/**
 * "wish" before one of these opens a wished-for clause ("I wish I was going", "wish it were a flip
 * phone", "wish they will fix it"): longing for what is not, not praise. "wish you" is left alone
 * ("wish you a happy birthday"), and so is an exclaimed wish ("wish I could be there!"), which is warm.
 */
/**
 * Words after which "like" compares rather than likes ("looks like rain", "just like the pilot",
 * "something like that"); so does "like" opening a clause ("Like the first season, it drags").
 */
const LIKE_COMPARES_AFTER = new Set([
  'look', 'looks', 'looked', 'looking', 'seem', 'seems', 'seemed', 'feel', 'feels', 'felt', 'feeling', 'sound', 'sounds',
  'sounded', 'just', 'more', 'less', 'much', 'something', 'anything', 'nothing', 'kinda', 'sorta',
]);

const WISH_CLAUSE = new Set(['i', "i'd", "i'm", 'it', 'that', 'this', 'there', 'they', 'we', 'he', 'she', 'my', 'someone', 'people', 'everyone']);

/**
 * Text emoticons with VADER's human ratings (its lexicon's emoticon entries, scaled onto AFINN's
 * scale like its words), for the faces common in posts. A face may repeat its last character.
 */
export const EMOTICONS: Record<string, number> = Object.fromEntries(
  Object.entries({
    ':)': 2, ':-)': 1.3, '=)': 2.2, ':]': 2.2, '=]': 1.6, ':o)': 2.1, ':^)': 2.1, '(:': 2.2, '(-:': 1.6, '^_^': 2.2,
    ';)': 0.9, ';-)': 1, ';]': 0.6, ':D': 2.3, ':-D': 2.3, '=D': 2.3, ';D': 0.8, 'xD': 2.3, 'XD': 2.3,
    ':P': 1.4, ':-P': 1.5, ':p': 1, ':-p': 1.5, '=P': 1.3, '=p': 1.3, ';P': 1, ';p': 1,
    ':*': 2.5, ':-*': 1.7, ';-*': 2.2, ':3': 2.3, '=3': 2.1, ':>': 2.1, ":')": 2.3, '\\o/': 2.2,
    '<3': 1.9, '</3': -3, ':(': -1.9, ':-(': -1.5, '=(': -1.9, ':[': -2, '=[': -2, '):': -1.8, ':<': -2.1, ':{': -1.9,
    ":'(": -2.2, ":'-(": -2.4, ':,(': -2.2, '>:(': -2.7, '>:-(': -2.7, 'D:': -2.9, ':@': -2.5,
    ':/': -1.4, ':-/': -1.2, '=/': -1.4, ':\\': -1.3, ':|': -0.4, ':-|': -0.7, '-_-': -1, '>.<': -1.3,
    ':l': -1.7, '=l': -1.2, ':c': -2.1, ':s': -1.2, ':S': -1.2, 'o_O': -0.5, 'O_o': -0.5, 'o_o': -0.5, 'o.O': -0.6, 'O.o': -0.6,
  }).map(([face, vaderValence]) => [face, vaderValence * VADER_SCALE]),
);

const HASHTAG_PREFIXES = Object.entries(campaign.hashtagPrefixes as Record<string, number>);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// The grammar of a text, one token at a time, rules tried in this order at each position:
//   1. links ("http://…", "https://…", "www.…" up to a space) and @mentions: skipped, they say
//      nothing about sentiment;
//   2. a text emoticon, which may repeat its last character (":)))", "<333", "XDDD") and must end at
//      a space, "." "," "!" "?" ";" or the end of the text, so "9:30" and "xDrive" are not faces;
//   3. a hashtag: "#" and letters, digits or "_";
//   4. a word: letters and digits, with inner apostrophes before letters ("don't", "rock’n’roll");
//   5. a run of clause punctuation or line breaks (a line break ends a clause too: a title, a list item);
//   6. one symbol (emoji, "+", "<"): a code point that is no space, letter, digit or punctuation.
// Anything else (spaces, other punctuation) is passed over. Each rule is tried only where its first
// character allows: trying every face at every position was most of the scorer's time.
// test/unit/core/score-tokens.test.ts holds this scan to the single regex it replaced.

export const FACE = 1;
export const HASHTAG = 2;
export const WORD_TOKEN = 3;
export const CLAUSE = 4;
export const SYMBOL = 5;
export type TokenKind = typeof FACE | typeof HASHTAG | typeof WORD_TOKEN | typeof CLAUSE | typeof SYMBOL;

const LINK = /(?:https?:\/\/|www\.)\S+/uy;
const MENTION = /@\w+/uy;
const TAG = /#[\p{L}\p{N}_]+/uy;
const SYMBOL_CHAR = /^[^\s\p{L}\p{N}\p{P}]$/u;
const ASCII_SYMBOL = Array.from({ length: 128 }, (_, code) => SYMBOL_CHAR.test(String.fromCharCode(code)));

/** The faces as one sticky regex per first character (all faces are ASCII), longest first (":-)" before ":)"). */
const FACES_BY_FIRST: (RegExp | undefined)[] = [];
{
  const groups = new Map<number, string[]>();
  for (const face of Object.keys(EMOTICONS).sort((a, b) => b.length - a.length)) {
    const first = face.charCodeAt(0);
    groups.set(first, [...(groups.get(first) ?? []), `${escapeRegExp(face.slice(0, -1))}(?:${escapeRegExp(face.slice(-1))})+`]);
  }
  for (const [first, faces] of groups) FACES_BY_FIRST[first] = new RegExp(`(?:${faces.join('|')})(?=$|[\\s.,!?;])`, 'uy');
}

/** Where a match of sticky `pattern` at `at` ends, or `at` when it does not match there. */
function stickyEnd(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : at;
}

/** ".,;:!?…" and line breaks. */
function isClauseMark(code: number): boolean {
  return code === 0x2e || code === 0x2c || code === 0x3b || code === 0x3a || code === 0x21 || code === 0x3f || code === 0x2026 || code === 0x0d || code === 0x0a;
}

/** The end of the word starting at `at`: letters and digits, then any "'letters" or "’letters". */
function wordEnd(text: string, at: number): number {
  let end = at;
  for (let code = text.codePointAt(end)!; end < text.length && isWordCodePoint(code); code = text.codePointAt(end)!) end += codeUnits(code);
  for (;;) {
    const mark = text.charCodeAt(end);
    if ((mark !== 0x27 && mark !== 0x2019) || end + 1 >= text.length || !isLetterCodePoint(text.codePointAt(end + 1)!)) return end;
    end++;
    for (let code = text.codePointAt(end)!; end < text.length && isLetterCodePoint(code); code = text.codePointAt(end)!) end += codeUnits(code);
  }
}

/** Where the token at `at` ends, after handing it to `visit`; `at` when no rule matches there. */
function tokenAt(text: string, at: number, code: number, visit: (kind: TokenKind, start: number, end: number) => void): number {
  if (code === 0x20) return at; // the commonest character starts no token
  if (code === 0x68 || code === 0x77 || code === 0x40) {
    const end = stickyEnd(code === 0x40 ? MENTION : LINK, text, at);
    if (end > at) return end; // skipped: links and mentions are no tokens
  }
  const faces = code < 0x80 ? FACES_BY_FIRST[code] : undefined;
  if (faces !== undefined) {
    const end = stickyEnd(faces, text, at);
    if (end > at) {
      visit(FACE, at, end);
      return end;
    }
  }
  if (code === 0x23) {
    const end = stickyEnd(TAG, text, at);
    if (end > at) {
      visit(HASHTAG, at, end);
      return end;
    }
  }
  if (isWordCodePoint(code)) {
    const end = wordEnd(text, at);
    visit(WORD_TOKEN, at, end);
    return end;
  }
  if (isClauseMark(code)) {
    let end = at + 1;
    while (end < text.length && isClauseMark(text.charCodeAt(end))) end++;
    visit(CLAUSE, at, end);
    return end;
  }
  if (code < 0x80 ? ASCII_SYMBOL[code] : SYMBOL_CHAR.test(String.fromCodePoint(code))) {
    const end = at + codeUnits(code);
    visit(SYMBOL, at, end);
    return end;
  }
  return at;
}

/** Whether a word is already spelled as the lexicon spells it: ASCII without capitals, as most words are (toLowerCase is costly on text with any non-ASCII character). */
function isLowerAscii(word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const c = word.charCodeAt(k);
    if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
}

/** Hands each token of `text` to `visit` in order, as its kind and where it starts and ends. */
export function scanTokens(text: string, visit: (kind: TokenKind, start: number, end: number) => void): void {
  for (let at = 0; at < text.length; ) {
    const code = text.codePointAt(at)!;
    const end = tokenAt(text, at, code, visit);
    at = end > at ? end : at + codeUnits(code);
  }
}

const CAMEL_PARTS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g;

const WORD = 1;
/** An emoji, emoticon or campaign hashtag: a fixed valence, never negated or boosted. */
const VALUE = 2;
/**
 * Clause punctuation or a line break: ends a negation's or a booster's reach. Its value is ASKS for
 * "?", EXCLAIMS for "!" (and for "?!", which exclaims rather than asks), else 0.
 */
const STOP = 3;
const ASKS = 1;
const EXCLAIMS = 2;

/** The label of a score: positive above POSITIVE_ABOVE, negative below NEGATIVE_BELOW, else neutral. */
export function labelFor(score: number): SentimentLabel {
  if (score > POSITIVE_ABOVE) return 'positive';
  if (score < NEGATIVE_BELOW) return 'negative';
  return 'neutral';
}

/** A scorer with some rules switched off (for measuring them); scoreText has them all on. */
export function createScorer(rules: Readonly<ScoringRules> = ALL_RULES): (text: string) => Sentiment {
  const lexicon = lexiconFor(rules.vaderLexicon);
  // Scratch arrays reused across calls (scoring is synchronous): one text allocates little.
  const kinds: number[] = [];
  const words: string[] = [];
  const values: number[] = [];

  const lookup = (word: string): Entry | undefined => {
    const entry = lexicon.words.get(word);
    if (entry !== undefined || !rules.elongation || !/(.)\1\1/.test(word)) return entry;
    return lexicon.words.get(word.replace(/(.)\1+/g, '$1$1')) ?? lexicon.words.get(word.replace(/(.)\1+/g, '$1'));
  };

  const pushWord = (word: string): void => {
    let lower = word;
    if (!isLowerAscii(word)) {
      lower = word.toLowerCase();
      if (lower.includes('’')) lower = lower.replace(/’/g, "'");
    }
    kinds.push(WORD);
    words.push(lower);
    values.push(0);
  };
  const push = (kind: number, value: number): void => {
    kinds.push(kind);
    words.push('');
    values.push(value);
  };

  // The text being tokenized and its "!" count, for `visit`, which scanTokens calls once per token.
  let text = '';
  let bangs = 0;
  const visit = (kind: TokenKind, start: number, end: number): void => {
    if (kind === WORD_TOKEN) {
      pushWord(text.slice(start, end));
    } else if (kind === FACE) {
      if (rules.emoticons) push(VALUE, EMOTICONS[text.slice(start, end).replace(/(.)\1+$/, '$1')] ?? 0);
    } else if (kind === HASHTAG) {
      const tag = text.slice(start + 1, end);
      const parts = rules.hashtags ? (tag.match(CAMEL_PARTS) ?? []) : [];
      if (parts.length > 1) {
        for (const part of parts) pushWord(part);
        return;
      }
      const lower = tag.toLowerCase();
      const prefix = rules.hashtags ? HASHTAG_PREFIXES.find(([p]) => lower.length > p.length && lower.startsWith(p)) : undefined;
      if (prefix !== undefined) push(VALUE, prefix[1]);
      else pushWord(tag);
    } else if (kind === CLAUSE) {
      let clauseBangs = 0;
      let asks = false;
      for (let k = start; k < end; k++) {
        const c = text.charCodeAt(k);
        if (c === 33) clauseBangs++;
        else if (c === 63) asks = true;
      }
      bangs += clauseBangs;
      push(STOP, clauseBangs > 0 ? EXCLAIMS : asks ? ASKS : 0);
    } else {
      const entry = lexicon.words.get(text.slice(start, end));
      if (entry !== undefined) push(VALUE, entry.valence);
    }
  };

  /** Fills the scratch arrays; returns the number of "!". */
  const tokenize = (source: string): number => {
    kinds.length = 0;
    words.length = 0;
    values.length = 0;
    text = source;
    bangs = 0;
    scanTokens(source, visit);
    return bangs;
  };

  /** The longest phrase starting at word i, else the word itself; and how many words it spans. */
  const match = (i: number): [Entry | undefined, number] => {
    const candidates = rules.phrases ? lexicon.phrases.get(words[i]!) : undefined;
    if (candidates !== undefined) {
      for (const phrase of candidates) {
        const n = phrase.words.length;
        let k = 1;
        while (k < n && kinds[i + k] === WORD && words[i + k] === phrase.words[k]) k++;
        if (k === n && (rules.sarcasm || !phrase.entry.sarcastic)) return [phrase.entry, n];
      }
    }
    return [lookup(words[i]!), 1];
  };

  /** Whether a sentiment word follows word i within a negator's reach, in the same clause. */
  const sentimentAhead = (i: number): boolean => {
    for (let k = i + 1; k <= i + NEGATION_SCOPE && kinds[k] === WORD; k++) {
      const entry = lookup(words[k]!);
      if (entry !== undefined && entry.valence !== 0 && entry.negates === 0) return true;
    }
    return false;
  };

  /** The index of the word that turns the sentence ("but"), or −1. */
  const findContrast = (): number => {
    if (!rules.contrastWords) return words.indexOf('but');
    for (let k = 0; k < words.length; k++) {
      if (kinds[k] !== WORD) continue;
      const word = words[k];
      if (word === 'however') return k;
      if (word === 'but' && !NOT_CONTRAST_BEFORE.has(words[k - 1]!) && !NOT_CONTRAST_AFTER.has(words[k + 1]!)) return k;
    }
    return -1;
  };

  /** Whether the clause of token i ends in "!". */
  const exclaimed = (i: number): boolean => {
    let k = i;
    while (k < kinds.length && kinds[k] !== STOP) k++;
    return values[k] === EXCLAIMS;
  };

  /** "wish" opening a wished-for clause, not exclaimed. */
  const isLonging = (i: number): boolean => (words[i] === 'wish' || words[i] === 'wished') && WISH_CLAUSE.has(words[i + 1]!) && !exclaimed(i);

  /** "like" as a preposition: after LIKE_COMPARES_AFTER or opening a clause. */
  const likeCompares = (i: number): boolean => words[i] === 'like' && (kinds[i - 1] !== WORD || LIKE_COMPARES_AFTER.has(words[i - 1]!));

  /** Clause-initial "well", "yes", … (not "Yes!", not "Well done"), and the "well" of "as well" (not "as well as"). */
  const isDiscourseMarker = (i: number): boolean => {
    const word = words[i]!;
    if (!DISCOURSE_MARKERS.has(word)) return false;
    if (word === 'well' && words[i - 1] === 'as' && kinds[i - 1] === WORD) return words[i + 1] !== 'as';
    if (kinds[i - 1] === WORD) return false;
    if (kinds[i + 1] === STOP && values[i + 1] === EXCLAIMS) return false;
    return !(word === 'well' && kinds[i + 1] === WORD && PARTICIPLE.test(words[i + 1]!));
  };

  return (raw: string): Sentiment => {
    // Plain text, not HTML: only entities closed by ";" ("AT&T", "this&not that" stay as written).
    const text = rules.entities && raw.includes('&') ? decodeHTMLStrict(raw) : raw;
    const bangs = tokenize(text);
    const firstBut = rules.but ? findContrast() : -1;

    let sum = 0;
    // The current clause's sum, added to `sum` at its end: weighed less if it ends in "?".
    let clause = 0;
    let ironic = 0;
    let tokens = 0;
    let negationLeft = 0;
    let negator = '';
    let negatorAt = -1;
    let boost = 0;
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i];
      if (kind === STOP) {
        sum += rules.questions && values[i] === ASKS ? clause * QUESTION_WEIGHT : clause;
        clause = 0;
        negationLeft = 0;
        boost = 0;
        continue;
      }
      tokens++;
      const weight = firstBut < 0 ? 1 : i < firstBut ? BEFORE_BUT : AFTER_BUT;
      if (kind === VALUE) {
        // An emoji or emoticon is the writer's mood: a question does not ask it ("boo hoo :( is anyone coming?").
        if (rules.questions) sum += values[i]! * weight;
        else clause += values[i]! * weight;
        continue;
      }
      const word = words[i]!;
      // Any "but" (and "however") ends a negation's and a booster's reach, turning the sentence or not.
      if (word === 'but' || (rules.contrastWords && word === 'however')) {
        negationLeft = 0;
        boost = 0;
        continue;
      }
      const [entry, span] = match(i);
      i += span - 1;
      tokens += span - 1;
      if (entry?.sarcastic === true) {
        ironic += entry.valence * weight;
        continue;
      }
      if (rules.laughter && entry?.laughter === true) {
        clause += entry.valence * weight;
        boost = 0;
        continue;
      }
      const negates = entry?.negates ?? 0;
      if (
        rules.negation &&
        ((negates === 2 && !(word === 'least' && words[i - 1] === 'at')) ||
          (span === 1 && word.endsWith("n't")) ||
          (negates === 1 && rules.noNegates && sentimentAhead(i))) &&
        !(rules.notJust && word === 'not' && NOT_JUST.has(words[i + 1]!))
      ) {
        negationLeft = NEGATION_SCOPE;
        negator = word;
        negatorAt = i;
        boost = 0;
        continue;
      }
      // "super" and "fucking" are lexicon words too: they only boost when a sentiment word follows.
      if (rules.boosters && entry !== undefined && entry.boost !== 0) {
        const next = kinds[i + 1] === WORD ? lookup(words[i + 1]!) : undefined;
        if (entry.valence === 0 || (next !== undefined && next.valence !== 0)) {
          boost += entry.boost * BOOST;
          negationLeft = Math.max(0, negationLeft - span);
          continue;
        }
      }
      let value = entry?.valence ?? 0;
      if (
        value !== 0 &&
        span === 1 &&
        ((rules.discourseMarkers && isDiscourseMarker(i)) || (rules.wishes && isLonging(i)) || (rules.likeCompares && likeCompares(i)))
      ) {
        value = 0;
      }
      if (value !== 0) {
        value *= Math.max(0, 1 + boost);
        const compares = rules.neverSo && negatorAt < i - 2 && NEVER_SO.has(negator) && (words[i - 1] === 'so' || words[i - 1] === 'this');
        if (negationLeft > 0 && !compares) value *= NEGATION_FACTOR;
        clause += value * weight;
      }
      boost = 0;
      negationLeft = Math.max(0, negationLeft - span);
    }
    sum += clause;
    // Irony is read off the rest of the text: praise beside bad news is not praise.
    if (ironic !== 0) sum += sum < 0 ? -Math.abs(ironic) : ironic;

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
 * not tokens); `label` is positive above +0.5, negative below 0, neutral in between.
 */
export const scoreText: (text: string) => Sentiment = createScorer();
