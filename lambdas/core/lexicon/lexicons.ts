// The lexicon each scorer reads. From the sources here (tsx, tests, bench/sentiment.ts); the built
// CLI replaces this module with the full lexicon precomputed at build time (bin/build-cli.ts).

import { buildLexicon } from './build.ts';
import type { Lexicon } from './entry.ts';

// Each built on first use: the one without VADER's words serves only bench/sentiment.ts, and a
// start of the CLI should not pay for it.
const lexicons = new Map<boolean, Lexicon>();

export function lexiconFor(withVader: boolean): Lexicon {
  let lexicon = lexicons.get(withVader);
  if (lexicon === undefined) {
    lexicon = buildLexicon(withVader);
    lexicons.set(withVader, lexicon);
  }
  return lexicon;
}
