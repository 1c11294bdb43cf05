// The scorer's lexicon built from its sources, layer by layer: AFINN-165 and the emoji ranking of
// the `sentiment` package, VADER's human-rated words over them (vader-lexicon.json), VADER's idioms,
// the fan-campaign words (campaign-lexicon.json), then the words the rules mark (negators,
// intensifiers, sarcasm, laughter). The one home of these layering rules: the built CLI carries
// their result, made here at build time (bin/build-cli.ts).

import type SentimentLibrary from 'sentiment';
// @ts-expect-error -- the package's types cover only its entry point; this is its English LanguageModule.
import english from 'sentiment/languages/en/index.js';
import emoji from 'sentiment/build/emoji.json' with { type: 'json' };
import campaign from './campaign-lexicon.json' with { type: 'json' };
import vader from './vader-lexicon.json' with { type: 'json' };
import { type Entry, type Lexicon, type Phrase, VADER_SCALE } from './entry.ts';

// "least" negates as VADER's does ("the least funny"), except in "at least" (checked where negators are read).
const NEGATORS = [
  'least', 'not', 'nope', 'rarely', 'seldom', 'despite', 'never', 'nor', 'neither', 'without', 'cannot', 'aint', 'dont', 'doesnt', 'didnt', 'isnt',
  'wasnt', 'arent', 'werent', 'cant', 'couldnt', 'wouldnt', 'shouldnt', 'wont', 'havent', 'hasnt',
  'hadnt', 'mustnt', 'neednt',
];

const INTENSIFIERS = [
  'very', 'so', 'really', 'extremely', 'absolutely', 'totally', 'completely', 'incredibly', 'utterly',
  'truly', 'highly', 'hugely', 'deeply', 'especially', 'particularly', 'entirely', 'thoroughly',
  'remarkably', 'unbelievably', 'tremendously', 'enormously', 'exceptionally', 'most', 'more',
  'super', 'fucking', 'freaking', 'friggin', 'frickin', 'effing', 'hella',
  // The rest of VADER's booster list (its BOOSTER_DICT).
  'amazingly', 'awfully', 'considerably', 'decidedly', 'fabulously', 'flipping', 'flippin', 'fricking',
  'frigging', 'fully', 'greatly', 'intensely', 'majorly', 'purely', 'quite', 'substantially', 'uber',
  'unusually',
  // Degree adverbs of informal English that VADER's list lacks: "pretty bad", "real good", "damn good".
  'pretty', 'real', 'damn', 'damned',
];

/** Negate only when a sentiment word follows within reach; otherwise they keep their own valence. */
const SOFT_NEGATORS = ['no', 'nothing', 'none', 'nobody', 'nowhere'];

/**
 * Praise that is ironic in a negative text ("Oh great, another cancellation. Just perfect."):
 * counted against the text when the rest of it is negative, as it is for it otherwise.
 */
const SARCASM_MARKERS = ['oh great', 'just great', 'just perfect', 'just wonderful', 'just brilliant', 'oh joy', 'yeah right', 'thanks a lot', 'what a surprise', 'how lovely'];

const DIMINISHERS = [
  'slightly', 'somewhat', 'barely', 'hardly', 'scarcely', 'marginally', 'partly', 'kinda', 'sorta',
  'kind of', 'sort of', 'a bit', 'a little', 'less', 'little', 'almost',
  'occasionally', 'just enough', 'kindof', 'sortof',
];

/**
 * VADER's special-case idioms (its SPECIAL_CASE_IDIOMS, on its scale), whose words alone would
 * say the opposite or nothing: "bad ass" is praise. Its "yeah right" is a sarcasm marker here.
 */
const IDIOMS: Record<string, number> = {
  'the shit': 3, 'the bomb': 3, 'bad ass': 1.5, 'cut the mustard': 2, 'kiss of death': -1.5, 'hand to mouth': -2,
};

/**
 * Negated verbs that mean the opposite of a denial: "I can't say enough good things", "can't stop
 * smiling", "cannot help but love it". As phrases they carry no value of their own and their
 * negator does not reach the words after them.
 */
const NEGATOR_IDIOMS = ["can't say enough", 'cannot say enough', "can't stop", 'cannot stop', "couldn't stop", "can't help", 'cannot help', "couldn't help"];

/** Laughter: keeps its lexicon value (lol +2.25, haha +2.5) but, like an emoticon, is never negated or boosted. */
const LAUGHTER = ['lol', 'lolol', 'lool', 'haha', 'hahaha', 'hehe', 'lmao', 'lmfao', 'rofl'];

const SEPARATOR = /[\s-]/;

export function buildLexicon(withVader: boolean): Lexicon {
  const words = new Map<string, Entry>();
  const phrases = new Map<string, Phrase[]>();
  // Later layers change an entry field by field, so "super" keeps AFINN's +3 and gains a boost.
  const put = (key: string, change: Partial<Entry>): void => {
    const lower = key.toLowerCase();
    // Almost every key is one word: split (a regex per key) only the few that are not.
    const parts = SEPARATOR.test(lower) ? lower.split(/[\s-]+/).filter(Boolean) : lower ? [lower] : [];
    const first = parts[0];
    if (first === undefined) return;
    if (parts.length === 1) {
      // Entries are this map's own: changed in place rather than copied once per layer (~11,000 keys at every start).
      const entry = words.get(first);
      if (entry) Object.assign(entry, change);
      else words.set(first, { valence: 0, boost: 0, negates: 0, sarcastic: false, laughter: false, ...change });
      return;
    }
    const list = phrases.get(first) ?? [];
    const at = list.findIndex((p) => p.words.join(' ') === parts.join(' '));
    const entry = { valence: 0, boost: 0, negates: 0, sarcastic: false, laughter: false, ...list[at]?.entry, ...change };
    if (at >= 0) list.splice(at, 1);
    list.push({ words: parts, entry });
    // Longest first, so "bring it back" is tried before anything shorter starting with "bring".
    list.sort((a, b) => b.words.length - a.words.length);
    phrases.set(first, list);
  };
  // Read into our own map now: `analyze(…, { extras })` anywhere in the process mutates the package's table.
  const afinn = (english as SentimentLibrary.LanguageModule).labels;
  for (const [key, valence] of Object.entries(afinn)) put(key, { valence });
  if (withVader) for (const [key, valence] of Object.entries(vader.entries as Record<string, number>)) put(key, { valence: valence * VADER_SCALE });
  for (const [key, valence] of Object.entries(emoji as Record<string, number>)) put(key, { valence });
  for (const [key, valence] of Object.entries(IDIOMS)) put(key, { valence: valence * VADER_SCALE });
  for (const phrase of NEGATOR_IDIOMS) put(phrase, {});
  for (const [key, valence] of Object.entries(campaign.entries as Record<string, number>)) put(key, { valence });
  for (const word of NEGATORS) put(word, { negates: 2 });
  for (const word of SOFT_NEGATORS) put(word, { negates: 1 });
  for (const phrase of SARCASM_MARKERS) put(phrase, { sarcastic: true, valence: scoreOfPhrase(phrase, words) });
  for (const word of INTENSIFIERS) put(word, { boost: 1 });
  for (const word of DIMINISHERS) put(word, { boost: -1 });
  for (const word of LAUGHTER) put(word, { laughter: true });
  return { words, phrases };
}

/** A sarcasm marker's face value: the sum of its words ("oh great" is as positive as "great"). */
function scoreOfPhrase(phrase: string, words: Map<string, Entry>): number {
  return phrase.split(' ').reduce((sum, word) => sum + (words.get(word)?.valence ?? 0), 0);
}

