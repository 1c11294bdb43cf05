import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTopics, matchableText, tokenize } from '../../../lambdas/core/match.ts';

const bosch = {
  id: 'bosch-legacy',
  keywords: ['bosch legacy', '#saveboschlegacy', 'harry bosch'],
  exclude: ['power tools', 'dishwasher'],
  petitionKeywords: ['petition', 'change.org', 'sign'],
};
const ballard = { id: 'ballard', keywords: ['ballard'], exclude: [], petitionKeywords: [] };
const matcher = compileTopics([bosch, ballard]);
const ids = (text: string, topics?: string[]) => matcher.match(text, topics).map((m) => m.topicId);

describe('compileTopics', () => {
  it('matches a phrase case-insensitively', () => {
    expect(ids('I just finished BOSCH LEGACY season 3')).toEqual(['bosch-legacy']);
  });

  it('ignores punctuation and runs of spaces between the words of a phrase', () => {
    expect(ids('Bosch: Legacy is back')).toEqual(['bosch-legacy']);
    expect(ids('Bosch   -  legacy')).toEqual(['bosch-legacy']);
    expect(ids('bosch\nlegacy')).toEqual(['bosch-legacy']);
  });

  it('matches whole words only', () => {
    expect(ids('boschlegacy fans unite')).toEqual([]);
    expect(ids('Boschy legacy')).toEqual([]);
    expect(ids('Ballardian fiction')).toEqual([]);
  });

  it('does not match the words of a phrase out of order or apart', () => {
    expect(ids('the legacy of Bosch')).toEqual([]);
    expect(ids('Bosch and his legacy')).toEqual([]);
  });

  it('matches a hashtag keyword as the whole hashtag token', () => {
    expect(ids('Keep going #SaveBoschLegacy!')).toEqual(['bosch-legacy']);
    expect(ids('#SaveBoschLegacyNow')).toEqual([]);
    // The hashtag keyword does not match the bare word.
    expect(ids('saveboschlegacy')).toEqual([]);
  });

  it('lets a plain keyword match the word inside a hashtag', () => {
    expect(ids('loved the #Ballard premiere')).toEqual(['ballard']);
  });

  it('lets an exclusion veto the post for that topic only', () => {
    expect(ids('Bosch legacy power tools sale, and Ballard')).toEqual(['ballard']);
    expect(ids('harry bosch fixed my Bosch dishwasher')).toEqual([]);
  });

  it('marks a petition mention only when a petition keyword also matches', () => {
    expect(matcher.match('Sign the petition to save Bosch: Legacy')).toEqual([{ topicId: 'bosch-legacy', petition: true }]);
    expect(matcher.match('Bosch Legacy on change.org')).toEqual([{ topicId: 'bosch-legacy', petition: true }]);
    expect(matcher.match('Bosch Legacy was great')).toEqual([{ topicId: 'bosch-legacy', petition: false }]);
    expect(matcher.match('petition for Ballard')).toEqual([{ topicId: 'ballard', petition: false }]);
  });

  it('treats "change.org" as a phrase, not a word', () => {
    expect(matcher.match('Bosch Legacy: change org page')[0]?.petition).toBe(true);
    expect(matcher.match('Bosch Legacy: time for a change')[0]?.petition).toBe(false);
  });

  it('restricts matching to the topics a source is configured for', () => {
    expect(ids('Bosch Legacy and Ballard', ['ballard'])).toEqual(['ballard']);
  });

  it('matches text in any script and folds compatibility forms', () => {
    const m = compileTopics([{ id: 'x', keywords: ['café crème'], exclude: [], petitionKeywords: [] }]);
    expect(m.match('Un CAFÉ, crème!').length).toBe(1);
    expect(m.match('ＢＯＳＣＨ　ＬＥＧＡＣＹ', undefined)).toEqual([]);
    expect(compileTopics([bosch]).match('ＢＯＳＣＨ　ＬＥＧＡＣＹ').length).toBe(1);
  });
});

describe('matchableText', () => {
  it('matches on title, text and link together', () => {
    const text = matchableText({ title: 'News', text: 'nothing here', link: 'https://collider.com/bosch-legacy-petition/' });
    expect(matcher.match(text)).toEqual([{ topicId: 'bosch-legacy', petition: true }]);
  });
});

describe('tokenize', () => {
  it('keeps hashtags as their own tokens', () => {
    expect(tokenize('#A b!')).toEqual({ words: ['a', 'b'], tagged: [true, false] });
  });

  it('reads letters and digits of any script as words, astral ones too, and nothing else (NFKC makes ½ 1⁄2)', () => {
    expect(tokenize('Ünïcode—café’s 2nd ##tag a#b 𠀀x 😀 ½')).toEqual({
      words: ['ünïcode', 'café', 's', '2nd', 'tag', 'a', 'b', '𠀀x', '1', '2'],
      tagged: [false, false, false, false, true, false, true, false, false, false],
    });
  });

  // The rule as one regular expression (DESIGN.md's words): the scan must always agree with it.
  const byRegex = (text: string) => {
    const words: string[] = [];
    const tagged: boolean[] = [];
    for (const [, hash, word] of text.normalize('NFKC').toLowerCase().matchAll(/(#?)([\p{L}\p{N}]+)/gu)) {
      words.push(word!);
      tagged.push(hash === '#');
    }
    return { words, tagged };
  };

  it('always finds the words the rule defines, on any text', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('#', '##', ' ', '’', '—', 'İ', 'ß', 'ﬁ', '①', '𠀀', '😀', '\ud800', 'Ⅻ', '½'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(tokenize(text)).toEqual(byRegex(text));
      }),
      { numRuns: 2000 },
    );
  });
});
