// Topic matching (DESIGN.md): case-insensitive whole words and phrases; punctuation and runs
// of spaces between a phrase's words are ignored; a hashtag keyword matches that hashtag as a
// whole token; an exclusion vetoes the post; a petition keyword marks a petition mention.

import type { Topic } from '../config/schema.ts';
import type { TopicMatch } from './types.ts';
import { codeUnits, isWordCodePoint } from './word-chars.ts';

/** A text's words, NFKC-normalised and lower-cased; `tagged[i]` when word i was written as a hashtag ("#SaveBosch"). */
export interface Tokens {
  words: string[];
  tagged: boolean[];
}

/**
 * The words of `text`: runs of letters and digits (any script), optionally introduced by "#";
 * everything else separates. A scan by character class rather than a regex match per word: every post is
 * tokenised once per pass, and per-word match objects were most of the matcher's cost.
 */
export function tokenize(text: string): Tokens {
  const normal = text.normalize('NFKC').toLowerCase();
  const words: string[] = [];
  const tagged: boolean[] = [];
  let start = -1;
  for (let i = 0; i < normal.length; ) {
    const code = normal.codePointAt(i)!;
    if (isWordCodePoint(code)) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      words.push(normal.slice(start, i));
      tagged.push(normal.charCodeAt(start - 1) === 0x23);
      start = -1;
    }
    i += codeUnits(code);
  }
  if (start !== -1) {
    words.push(normal.slice(start));
    tagged.push(normal.charCodeAt(start - 1) === 0x23);
  }
  return { words, tagged };
}

/** A keyword as a sequence of word tests; a hashtag part only matches that hashtag. */
type Phrase = { word: string; hashtag: boolean }[];

function compilePhrase(keyword: string): Phrase {
  const { words, tagged } = tokenize(keyword);
  return words.map((word, i) => ({ word, hashtag: tagged[i]! }));
}

function phraseAt(tokens: Tokens, start: number, phrase: Phrase): boolean {
  if (start + phrase.length > tokens.words.length) return false;
  for (let offset = 0; offset < phrase.length; offset++) {
    const part = phrase[offset]!;
    // A plain word also matches the word inside a hashtag ("bosch" matches "#Bosch"),
    // but a hashtag keyword only matches that hashtag.
    if (tokens.words[start + offset] !== part.word || (part.hashtag && !tokens.tagged[start + offset])) return false;
  }
  return true;
}

// Bits of what a text holds for a topic: one of its keywords, exclusions, petition keywords.
const KEYWORD = 1;
const EXCLUSION = 2;
const PETITION = 4;

/** One keyword of one topic's list (KEYWORD, EXCLUSION or PETITION). */
interface IndexedPhrase {
  topic: number;
  list: number;
  phrase: Phrase;
}

/**
 * Every topic's keywords, indexed by their first word (plain and hashtag keywords apart): a text's
 * words are looked up once, not once per topic and list.
 */
interface PhraseIndex {
  plain: Map<string, IndexedPhrase[]>;
  hashtag: Map<string, IndexedPhrase[]>;
}

function addPhrase(index: PhraseIndex, entry: IndexedPhrase): void {
  // A keyword with no words in it (only punctuation) matches nothing.
  const first = entry.phrase[0];
  if (first === undefined) return;
  const byFirst = first.hashtag ? index.hashtag : index.plain;
  byFirst.set(first.word, [...(byFirst.get(first.word) ?? []), entry]);
}

/** Sets, in `found[topic]`, the bit of each list with a phrase that starts at word `start`. */
function markAt(tokens: Tokens, start: number, candidates: IndexedPhrase[] | undefined, found: Uint8Array): void {
  if (candidates === undefined) return;
  for (const { topic, list, phrase } of candidates) {
    if ((found[topic]! & list) === 0 && phraseAt(tokens, start, phrase)) found[topic]! |= list;
  }
}

export interface TopicMatcher {
  /** The topics (of `topicIds`, or all) that the text counts for. */
  match(text: string, topicIds?: readonly string[]): TopicMatch[];
}

export function compileTopics(topics: readonly Topic[]): TopicMatcher {
  const index: PhraseIndex = { plain: new Map(), hashtag: new Map() };
  topics.forEach((topic, i) => {
    for (const keyword of topic.keywords) addPhrase(index, { topic: i, list: KEYWORD, phrase: compilePhrase(keyword) });
    for (const keyword of topic.exclude) addPhrase(index, { topic: i, list: EXCLUSION, phrase: compilePhrase(keyword) });
    for (const keyword of topic.petitionKeywords) addPhrase(index, { topic: i, list: PETITION, phrase: compilePhrase(keyword) });
  });
  return {
    match(text, topicIds) {
      const tokens = tokenize(text);
      const found = new Uint8Array(topics.length);
      for (let i = 0; i < tokens.words.length; i++) {
        const word = tokens.words[i]!;
        markAt(tokens, i, index.plain.get(word), found);
        if (tokens.tagged[i]) markAt(tokens, i, index.hashtag.get(word), found);
      }
      const matches: TopicMatch[] = [];
      topics.forEach((topic, i) => {
        if (topicIds && !topicIds.includes(topic.id)) return;
        // A keyword counts the post, an exclusion vetoes it.
        if ((found[i]! & (KEYWORD | EXCLUSION)) !== KEYWORD) return;
        matches.push({ topicId: topic.id, petition: (found[i]! & PETITION) !== 0 });
      });
      return matches;
    },
  };
}

/** The text a post is matched on: title, body and link. */
export function matchableText(post: { title: string; text: string; link: string | null }): string {
  return [post.title, post.text, post.link ?? ''].join('\n');
}
