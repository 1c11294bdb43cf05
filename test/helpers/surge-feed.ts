// A feed whose last hour surges in every way an alert watches: four quiet days, then one hour of
// petition mentions, many posts and mostly negative ones. Counted by hand in the tests that use it.

import type { FeedEntry } from './feed-builder.ts';

const HOUR = 3_600_000;

/**
 * For `hourStart` (the surge hour, NOW's hour): two posts in each of the 96 hours before it, one
 * of them negative every sixth hour ("terrible"), the rest words no lexicon scores; then, in the
 * surge hour's first minutes, 30 negative posts (cancelled −3, terrible) and 10 neutral petition
 * mentions (or as many as `wavePosts` says). Topic keyword: "bosch legacy"; petition keyword: "petition".
 */
export function surgeFeedEntries(hourStart: number, wavePosts: { negative: number; petition: number } = { negative: 30, petition: 10 }): FeedEntry[] {
  const at = (hoursBefore: number, minutes: number) => new Date(hourStart - hoursBefore * HOUR + minutes * 60_000);
  const quiet = Array.from({ length: 96 }, (_, i) => i + 1).flatMap((h) => [
    { title: `Bosch Legacy episode ${h} thread`, link: `https://fans.example/t/${h}`, published: at(h, 10) },
    h % 6 === 0
      ? { title: 'Bosch Legacy finale was terrible', link: `https://fans.example/n/${h}`, published: at(h, 40) }
      : { title: `Bosch Legacy episode ${h} notes`, link: `https://fans.example/e/${h}`, published: at(h, 40) },
  ]);
  const wave = Array.from({ length: wavePosts.negative + wavePosts.petition }, (_, i) =>
    i < wavePosts.negative
      ? { title: 'Bosch Legacy cancelled: terrible news', link: `https://fans.example/w/${i}`, published: at(0, i / 3) }
      : { title: 'Sign the petition for Bosch Legacy', link: `https://fans.example/w/${i}`, published: at(0, i / 3) },
  );
  return [...quiet, ...wave];
}
