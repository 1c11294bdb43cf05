// What words are made of, for the topic matcher and the sentiment scorer alike: letters and digits
// of any script. Both read every character of every post, so ASCII is answered by comparisons and
// only other characters pay for a Unicode property test.

const LETTER = /^\p{L}$/u;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

const isAsciiLetter = (code: number): boolean => (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);

/** A code point of \p{L} or \p{N}. */
export function isWordCodePoint(code: number): boolean {
  if (code < 0x80) return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39);
  return LETTER_OR_NUMBER.test(String.fromCodePoint(code));
}

/** A code point of \p{L}. */
export function isLetterCodePoint(code: number): boolean {
  return code < 0x80 ? isAsciiLetter(code) : LETTER.test(String.fromCodePoint(code));
}

/** UTF-16 length of a code point. */
export const codeUnits = (code: number): number => (code > 0xffff ? 2 : 1);
