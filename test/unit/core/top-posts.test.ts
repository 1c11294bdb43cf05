import { describe, expect, it } from 'vitest';
import { rankTopPosts } from '../../../lambdas/core/top-posts.ts';
import type { TopPost } from '../../../lambdas/core/types.ts';

const post = (title: string, link: string | null, score: number, petition = true): TopPost => ({ title, link, score, petition });

describe('rankTopPosts', () => {
  it('shows a thread once although each reply has its own link (same title, any case and punctuation)', () => {
    const ranked = rankTopPosts(
      [
        post('Petition to save Bosch: Legacy - signature count thread', 'https://forum.example/t/355/13', 7),
        post('Petition to save Bosch: Legacy – signature count thread', 'https://forum.example/t/355/16', 6),
        post('petition to save bosch legacy signature count thread', 'https://forum.example/t/355/17', 5),
        post('100,000 signatures!', 'https://reddit.example/pk5ny9', 6.5),
      ],
      5,
    );
    expect(ranked.map((p) => p.link)).toEqual(['https://forum.example/t/355/13', 'https://reddit.example/pk5ny9']);
  });

  it('shows a story once although two sources title it differently (same link)', () => {
    const ranked = rankTopPosts([post('Renewed!', 'https://news.example/a', 4), post('They renewed it', 'https://news.example/a', 3)], 5);
    expect(ranked.map((p) => p.title)).toEqual(['Renewed!']);
  });

  it('puts petition mentions first, then the strongest feelings, and keeps at most `limit`', () => {
    const ranked = rankTopPosts([post('calm', 'https://e/1', 1), post('angry', 'https://e/2', -5), post('loud', 'https://e/3', 9, false)], 2);
    expect(ranked.map((p) => p.title)).toEqual(['angry', 'calm']);
  });

  it('keeps untitled posts apart by their links, and one line for posts with neither', () => {
    const ranked = rankTopPosts([post('', 'https://e/1', 3), post('', 'https://e/2', 2), post('', null, 1), post('  ', null, 1)], 5);
    expect(ranked.map((p) => p.link)).toEqual(['https://e/1', 'https://e/2', null]);
  });
});
