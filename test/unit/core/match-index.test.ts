import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTopics, tokenize } from '../../../lambdas/core/match.ts';

// The spec, keyword by keyword: a topic counts a text when one of its keywords occurs and none of its
// exclusions does; petition when one of its petition keywords occurs. A keyword occurs where its
// words follow each other, a hashtag part only on a word written as that hashtag.
function occurs(text: string, keyword: string): boolean {
  const words = tokenize(text);
  const phrase = tokenize(keyword);
  if (phrase.words.length === 0) return false;
  for (let start = 0; start + phrase.words.length <= words.words.length; start++) {
    if (phrase.words.every((word, k) => words.words[start + k] === word && (!phrase.tagged[k] || words.tagged[start + k]))) return true;
  }
  return false;
}

interface TopicSpec {
  id: string;
  keywords: string[];
  exclude: string[];
  petitionKeywords: string[];
}

function referenceMatch(topics: TopicSpec[], text: string, topicIds?: string[]) {
  return topics
    .filter((topic) => !topicIds || topicIds.includes(topic.id))
    .filter((topic) => topic.keywords.some((k) => occurs(text, k)) && !topic.exclude.some((k) => occurs(text, k)))
    .map((topic) => ({ topicId: topic.id, petition: topic.petitionKeywords.some((k) => occurs(text, k)) }));
}

const WORDS = ['bosch', 'legacy', 'Bosch', 'harry', 'save', 'petition', 'tools', 'power', 'ballard', 'sign', 'a'];
const wordArb = fc.constantFrom(...WORDS);
const keywordArb = fc.tuple(fc.array(fc.tuple(fc.constantFrom('', '#'), wordArb), { minLength: 0, maxLength: 3 }), fc.constantFrom(' ', '-', ' . ')).map(([parts, sep]) => parts.map(([hash, word]) => hash + word).join(sep));
const topicArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    keywords: fc.array(keywordArb, { maxLength: 4 }),
    exclude: fc.array(keywordArb, { maxLength: 2 }),
    petitionKeywords: fc.array(keywordArb, { maxLength: 3 }),
  });
const textArb = fc.array(fc.oneof(wordArb, fc.constantFrom('#', ' ', ', ', '#bosch', '#BoschLegacy', '\n', '’', 'x')), { maxLength: 20 }).map((parts) => parts.join(' '));

describe('compileTopics', () => {
  it('matches every topic as its keywords, exclusions and petition keywords say, one by one', () => {
    fc.assert(
      fc.property(fc.tuple(topicArb('t1'), topicArb('t2'), topicArb('t3')), textArb, fc.option(fc.subarray(['t1', 't2', 't3'])), (topics, text, ids) => {
        expect(compileTopics(topics).match(text, ids ?? undefined)).toEqual(referenceMatch(topics, text, ids ?? undefined));
      }),
      { numRuns: 3000 },
    );
  });
});
