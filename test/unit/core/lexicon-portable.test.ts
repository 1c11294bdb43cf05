// The built CLI scores with the lexicon merged at build time (bin/build-cli.ts), not with the one
// merged from the sources at start: the two must be the same, entry by entry and phrase by phrase
// (a phrase list's order is the order its phrases are tried in).

import { describe, expect, it } from 'vitest';
import { portableLexicon } from '../../../bin/build-cli.ts';
import { buildLexicon } from '../../../lambdas/core/lexicon/build.ts';
import { fromPortable, type Lexicon, type PortableLexicon, toPortable } from '../../../lambdas/core/lexicon/entry.ts';

function asPlain(lexicon: Lexicon): unknown {
  return { words: [...lexicon.words].sort(([a], [b]) => (a < b ? -1 : 1)), phrases: [...lexicon.phrases].sort(([a], [b]) => (a < b ? -1 : 1)) };
}

describe('the precomputed lexicon', () => {
  const fromSources = buildLexicon(true);

  it('is the lexicon merged from the sources, every word and phrase with all its fields', () => {
    const precomputed = fromPortable(JSON.parse(portableLexicon()));
    expect(precomputed.words.size).toBeGreaterThan(8_000);
    expect(asPlain(precomputed)).toStrictEqual(asPlain(fromSources));
  });

  it('tells a changed entry apart: the comparison above can fail', () => {
    const portable = toPortable(fromSources);
    const lol = portable.words.indexOf('lol');
    const longest = portable.phrases.reduce((at, [, list], i) => (list.length > portable.phrases[at]![1].length ? i : at), 0);
    expect(portable.phrases[longest]![1].length).toBeGreaterThan(1);
    const changed: PortableLexicon[] = [
      { ...portable, valence: portable.valence.map((v, i) => (i === 0 ? v + 0.25 : v)) },
      { ...portable, laughter: portable.laughter.map((l, i) => (i === lol ? 0 : l)) },
      { ...portable, phrases: portable.phrases.map(([first, list]) => [first, list.map(([words, v, b, n, s, l]) => [words, v, b, n, 1 - s, l])]) },
      { ...portable, phrases: portable.phrases.map(([first, list], i) => [first, i === longest ? [...list].reverse() : list]) },
    ];
    for (const lexicon of changed) expect(asPlain(fromPortable(lexicon))).not.toStrictEqual(asPlain(fromSources));
  });
});
