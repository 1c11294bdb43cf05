// Topic matching (DESIGN.md): case-insensitive whole words and phrases; punctuation and runs
// of spaces between a phrase's words are ignored; a hashtag keyword matches that hashtag as a
// whole token; an exclusion vetoes the post; a petition keyword marks a petition mention.

import type { Topic } from '../config/schema.ts';
import type { TopicMatch } from './types.ts';

/** A word of the text; `tag` is set when it was written as a hashtag ("#SaveBosch"). */
interface Token {
  word: string;
  tag: string | null;
}

// Letters and digits (any script), optionally introduced by "#". Everything else separates.
const TOKEN = /(#?)([\p{L}\p{N}]+)/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const [, hash, word] of text.normalize('NFKC').toLowerCase().matchAll(TOKEN)) {
    tokens.push({ word: word!, tag: hash ? `#${word}` : null });
  }
  return tokens;
}

/** A keyword as a sequence of token tests. */
type Phrase = { value: string; hashtag: boolean }[];

function compilePhrase(keyword: string): Phrase {
  return tokenize(keyword).map((token) =>
    token.tag ? { value: token.tag, hashtag: true } : { value: token.word, hashtag: false },
  );
}

function phraseAt(tokens: Token[], start: number, phrase: Phrase): boolean {
  return phrase.every((part, offset) => {
    const token = tokens[start + offset];
    if (!token) return false;
    // A plain word also matches the word inside a hashtag ("bosch" matches "#Bosch"),
    // but a hashtag keyword only matches that hashtag.
    return part.hashtag ? token.tag === part.value : token.word === part.value;
  });
}

/** A topic's keywords of one kind, indexed by their first token: a text is scanned once, not once per keyword. */
type PhraseIndex = Map<string, Phrase[]>;

function indexPhrases(phrases: Phrase[]): PhraseIndex {
  const index: PhraseIndex = new Map();
  for (const phrase of phrases) {
    // A keyword with no words in it (only punctuation) matches nothing.
    if (phrase.length === 0) continue;
    const first = phrase[0]!.value;
    index.set(first, [...(index.get(first) ?? []), phrase]);
  }
  return index;
}

function containsAny(tokens: Token[], index: PhraseIndex): boolean {
  if (index.size === 0) return false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // Hashtag keys start with "#" and word keys never do, so each lookup finds only its own kind.
    for (const key of token.tag ? [token.word, token.tag] : [token.word]) {
      const candidates = index.get(key);
      if (candidates?.some((phrase) => phraseAt(tokens, i, phrase))) return true;
    }
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
