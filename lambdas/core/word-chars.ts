// What words are made of, for the topic matcher and the sentiment scorer alike: letters and digits
// of any script. Both read every character of every post, so ASCII is answered from a table and only
// other characters pay for a Unicode property test.

const LETTER = /^\p{L}$/u;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

/** `test` over the 128 ASCII code points, computed once from the same regex that answers the rest. */
function asciiTable(test: RegExp): boolean[] {
  return Array.from({ length: 128 }, (_, code) => test.test(String.fromCharCode(code)));
}

const ASCII_LETTER = asciiTable(LETTER);
const ASCII_WORD = asciiTable(LETTER_OR_NUMBER);

/** A code point of \p{L} or \p{N}. */
export function isWordCodePoint(code: number): boolean {
  return code < 0x80 ? ASCII_WORD[code]! : LETTER_OR_NUMBER.test(String.fromCodePoint(code));
}

/** A code point of \p{L}. */
export function isLetterCodePoint(code: number): boolean {
  return code < 0x80 ? ASCII_LETTER[code]! : LETTER.test(String.fromCodePoint(code));
}

/** UTF-16 length of a code point. */
export const codeUnits = (code: number): number => (code > 0xffff ? 2 : 1);
