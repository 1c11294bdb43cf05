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

/**
 * A topic's keywords of one kind, indexed by their first word (plain and hashtag keywords apart):
 * a text is scanned once, not once per keyword.
 */
interface PhraseIndex {
  plain: Map<string, Phrase[]>;
  hashtag: Map<string, Phrase[]>;
}

function indexPhrases(phrases: Phrase[]): PhraseIndex {
  const index: PhraseIndex = { plain: new Map(), hashtag: new Map() };
  for (const phrase of phrases) {
    // A keyword with no words in it (only punctuation) matches nothing.
    if (phrase.length === 0) continue;
    const byFirst = phrase[0]!.hashtag ? index.hashtag : index.plain;
    const first = phrase[0]!.word;
    byFirst.set(first, [...(byFirst.get(first) ?? []), phrase]);
  }
  return index;
}

function anyAt(tokens: Tokens, start: number, candidates: Phrase[] | undefined): boolean {
  if (candidates === undefined) return false;
  for (const phrase of candidates) if (phraseAt(tokens, start, phrase)) return true;
  return false;
}

function containsAny(tokens: Tokens, index: PhraseIndex): boolean {
  if (index.plain.size === 0 && index.hashtag.size === 0) return false;
  for (let i = 0; i < tokens.words.length; i++) {
    const word = tokens.words[i]!;
    if (anyAt(tokens, i, index.plain.get(word))) return true;
    if (tokens.tagged[i] && anyAt(tokens, i, index.hashtag.get(word))) return true;
  }
  return false;
}

export interface TopicMatcher {
  /** The topics (of `topicIds`, or all) that the text counts for. */
  match(text: string, topicIds?: readonly string[]): TopicMatch[];
}

export function compileTopics(topics: readonly Topic[]): TopicMatcher {
  const compiled = topics.map((topic) => ({
    id: topic.id,
    keywords: indexPhrases(topic.keywords.map(compilePhrase)),
    exclude: indexPhrases(topic.exclude.map(compilePhrase)),
    petition: indexPhrases(topic.petitionKeywords.map(compilePhrase)),
  }));
  return {
    match(text, topicIds) {
      const tokens = tokenize(text);
      const matches: TopicMatch[] = [];
      for (const topic of compiled) {
        if (topicIds && !topicIds.includes(topic.id)) continue;
        if (!containsAny(tokens, topic.keywords) || containsAny(tokens, topic.exclude)) continue;
        matches.push({ topicId: topic.id, petition: containsAny(tokens, topic.petition) });
      }
      return matches;
    },
  };
}

/** The text a post is matched on: title, body and link. */
export function matchableText(post: { title: string; text: string; link: string | null }): string {
  return [post.title, post.text, post.link ?? ''].join('\n');
}
