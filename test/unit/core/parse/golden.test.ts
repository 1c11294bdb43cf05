// Golden fixtures: each feed under test/fixtures/feeds has its hand-written expected posts beside it
// (see that folder's README for the format). The hashes are computed here from the readable text the
// expectation names, so a wrong canonical link or id shows as text, not as a different hex string.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FetchError } from '../../../../lambdas/core/errors.ts';
import { normaliseFeed } from '../../../../lambdas/core/normalise.ts';
import { parseFeed } from '../../../../lambdas/core/parse/parse-feed.ts';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/feeds');

interface ExpectedPost {
  id?: string;
  idOf?: string;
  dedupKeyOf: string;
  link: string | null;
  author: string | null;
  title: string;
  text: string;
  published: string | null;
}

interface Expected {
  context: { sourceId: string; feedUrl: string; contentType?: string };
  feed?: { format: string; version: string | null; title: string | null; link: string | null };
  posts?: ExpectedPost[];
  error?: { name: string; kind: string; messageIncludes: string };
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

const fixtures = readdirSync(fixturesDir)
  .filter((name) => !name.endsWith('.expected.json') && name !== 'README.md')
  .sort();

describe('golden feed fixtures', () => {
  it('has an expectation beside every fixture', () => {
    const expectations = new Set(readdirSync(fixturesDir).filter((name) => name.endsWith('.expected.json')));
    expect(fixtures.length).toBeGreaterThanOrEqual(14);
    for (const fixture of fixtures) expect(expectations).toContain(`${baseName(fixture)}.expected.json`);
  });

  for (const fixture of fixtures) {
    it(`reads ${fixture} as written in ${baseName(fixture)}.expected.json`, () => {
      const body = readFileSync(join(fixturesDir, fixture));
      const expected = JSON.parse(readFileSync(join(fixturesDir, `${baseName(fixture)}.expected.json`), 'utf8')) as Expected;
      const { sourceId, feedUrl, contentType } = expected.context;

      if (expected.error) {
        let caught: unknown;
        try {
          parseFeed(body, contentType ?? null);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(FetchError);
        const error = caught as FetchError;
        expect(error.name).toBe(expected.error.name);
        expect(error.kind).toBe(expected.error.kind);
        expect(error.message).toContain(expected.error.messageIncludes);
        return;
      }

      const feed = parseFeed(body, contentType ?? null);
      expect({ format: feed.format, version: feed.version, title: feed.title, link: feed.link }).toEqual(expected.feed);

      const posts = normaliseFeed(feed, { sourceId, feedUrl });
      const want = (expected.posts ?? []).map((post) => {
        const id = post.id ?? sha(post.idOf ?? '');
        return {
          sourceId,
          id,
          dedupKey: sha(post.dedupKeyOf.replace('{id}', id)),
          link: post.link,
          author: post.author,
          title: post.title,
          text: post.text,
          published: post.published,
        };
      });
      expect(posts).toEqual(want);
    });
  }
});

function baseName(fixture: string): string {
  return fixture.slice(0, fixture.lastIndexOf('.'));
}
