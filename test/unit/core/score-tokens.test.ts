import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLAUSE, EMOTICONS, FACE, HASHTAG, scanTokens, SYMBOL, WORD_TOKEN, type TokenKind } from '../../../lambdas/core/score.ts';

// The spec: the single regex the scorer tokenized with before its scan by character class
// (groups: 1 emoticon, 2 hashtag, 3 word, 4 punctuation, 5 symbol; links and mentions match no group).
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const FACES = Object.keys(EMOTICONS)
  .sort((a, b) => b.length - a.length)
  .map((face) => `${escape(face.slice(0, -1))}(?:${escape(face.slice(-1))})+`)
  .join('|');
const REFERENCE = new RegExp(
  [
    String.raw`(?:https?:\/\/|www\.)\S+|@\w+`,
    `(${FACES})(?=$|[\\s.,!?;])`,
    String.raw`(#[\p{L}\p{N}_]+)`,
    String.raw`([\p{L}\p{N}]+(?:['’]\p{L}+)*)`,
    String.raw`([.,;:!?…\r\n]+)`,
    String.raw`([^\s\p{L}\p{N}\p{P}])`,
  ].join('|'),
  'gu',
);
const KINDS: TokenKind[] = [FACE, HASHTAG, WORD_TOKEN, CLAUSE, SYMBOL];

function referenceTokens(text: string): [TokenKind, string][] {
  const tokens: [TokenKind, string][] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const group = m.slice(1).findIndex((g) => g !== undefined);
    if (group !== -1) tokens.push([KINDS[group]!, m[group + 1]!]);
  }
  return tokens;
}

function scannedTokens(text: string): [TokenKind, string][] {
  const tokens: [TokenKind, string][] = [];
  scanTokens(text, (kind, start, end) => tokens.push([kind, text.slice(start, end)]));
  return tokens;
}

// Pieces where the rules meet: every face, faces glued to words and punctuation, links, mentions,
// hashtags, both apostrophes, digits, letters of other scripts, emoji (with a variation selector and
// a ZWJ sequence), combining marks, "…", CRLF, lone surrogates, and the characters faces start with.
const PIECES = [
  ...Object.keys(EMOTICONS),
  ' ', ' ', ' ', '  ', '\t', '\r\n', '\n', '\u00a0', '\u2003', '.', ',', ';', ':', '!', '?', '…', '?!', '...', '"', '(', ')', '[', ']', '-', '_', '/', '\\', '*',
  '#', '@', "'", '’', '&', '=', '^', '<', '>', '|', '~', '+', '$', '%', '`', '\u0001',
  'http://example.com/a', 'https://x.y/z?q=1', 'www.example.org', 'http://', 'https:', 'www', 'http', 'HTTP://X',
  '@fan_1', '@', '#SaveBoschLegacy', '#bosch_legacy2', '#', '#’', 'don', 't', 's', 'rock', 'n', 'roll', "can't", 'it’s', 'xDrive', 'XD', 'D', 'x', 'o', 'O', '9', '30', '2026',
  'good', 'Great', 'LOVE', 'goooood', 'ça', 'Ünïcödé', 'naïve', 'e\u0301', 'Ελληνικά', 'русский', '日本語', '١٢٣', '𝐁𝐨𝐥𝐝', '😀', '❤️', '👍🏽', '👩‍👩‍👧', '\ud800', '\udc00',
];

const textArb = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...':;=()-^_<>/\\|*3DPpxXoO.,!? \n\'’#@hw'.split('')), maxLength: 30 }),
);

describe('scanTokens', () => {
  it('finds the tokens the reference regex finds, in order', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        expect(scannedTokens(text)).toEqual(referenceTokens(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads faces, words, hashtags, clause marks and symbols where the grammar says', () => {
    expect(scannedTokens("Don't go :))) #SaveBosch xDrive 9:30 @me http://x.y ❤ …\r\n")).toEqual([
      [WORD_TOKEN, "Don't"],
      [WORD_TOKEN, 'go'],
      [FACE, ':)))'],
      [HASHTAG, '#SaveBosch'],
      [WORD_TOKEN, 'xDrive'],
      [WORD_TOKEN, '9'],
      [CLAUSE, ':'],
      [WORD_TOKEN, '30'],
      [SYMBOL, '❤'],
      [CLAUSE, '…\r\n'],
    ]);
  });
});
