import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absoluteHttpUrl, canonicalLink } from '../../../lambdas/core/canonical-link.ts';

// The spec, step by step: the absolute http(s) URL's href parsed anew, scheme https, no fragment,
// no tracking parameters, the query re-serialised, no trailing slash on the path.
function referenceCanonical(link: string | null): string | null {
  const absolute = absoluteHttpUrl(link);
  if (!absolute) return null;
  const url = new URL(absolute);
  url.protocol = 'https:';
  url.hash = '';
  if (url.search) {
    const params = new URLSearchParams(url.search);
    for (const name of [...params.keys()]) {
      const n = name.toLowerCase();
      if (n.startsWith('utm_') || n === 'fbclid' || n === 'gclid' || n === 'ref') params.delete(name);
    }
    url.search = params.toString();
  }
  const href = url.href;
  const queryAt = href.indexOf('?');
  const path = queryAt === -1 ? href : href.slice(0, queryAt);
  const query = queryAt === -1 ? '' : href.slice(queryAt);
  return (path.endsWith('/') ? path.slice(0, -1) : path) + query;
}

const PIECES = [
  'http://', 'https://', 'HTTP://', 'ftp://', 'mailto:', ' ', '\t', '\n', 'Example.COM', 'xn--bcher-kva.example', 'bücher.example', '[::1]', '127.0.0.1', ':80', ':443', ':8080',
  '/', '//', '\\', '/a', '/./', '/../', '/%2e/', '/a b', '/ü', '%', '%41', '?', '&', '=', 'utm_source=x', 'UTM_Medium=y', 'ref=z', 'fbclid=1', 'q=a+b', 'q=a%20b', '#', '#frag', '@', 'user:pw@',
];
const linkArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }).map((parts) => parts.join(''));

describe('canonicalLink', () => {
  it('gives what the step-by-step spec gives, on any link', () => {
    fc.assert(
      fc.property(linkArb, (link) => {
        expect(canonicalLink(link)).toBe(referenceCanonical(link));
      }),
      { numRuns: 5000 },
    );
  });
});
