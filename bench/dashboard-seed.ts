// A campaign's month in the store, for the dashboard bench: TOPICS topics followed by SOURCES
// sources over DAYS days, posts generated (deterministically) and written through the store's own
// ingest, so trend buckets are exactly what a real poll would have made of them.

import { parseConfig } from '../lambdas/config/load.ts';
import type { Config } from '../lambdas/config/schema.ts';
import type { Store } from '../lambdas/core/ports.ts';
import { HOUR_MS, hourStart, iso } from '../lambdas/core/time.ts';
import type { ScoredPost, SentimentLabel } from '../lambdas/core/types.ts';

export interface CampaignShape {
  days: number;
  topics: number;
  sources: number;
  /** Posts per source per hour, on average. */
  postsPerSourceHour: number;
}

/** mulberry32: a small seeded generator, so every run stores the same campaign. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The campaign's config file (JSON, as a user writes it). */
export function campaignConfigFile(shape: CampaignShape) {
  const topics = Array.from({ length: shape.topics }, (_, t) => ({ id: `topic-${t}`, name: `Topic ${t}`, keywords: [`topic ${t}`], petitionKeywords: ['petition'] }));
  // Every source follows two topics, so each topic has several sources and share of voice varies.
  const sources = Array.from({ length: shape.sources }, (_, s) => ({
    id: `source-${s}`,
    type: 'rss',
    url: `https://source-${s}.example/feed.xml`,
    topics: [`topic-${s % shape.topics}`, `topic-${(s * 3 + 1) % shape.topics}`].filter((id, i, all) => all.indexOf(id) === i),
  }));
  return { topics, sources };
}

export const campaignConfig = (shape: CampaignShape): Config => parseConfig(campaignConfigFile(shape), 'dashboard bench config');

/** Writes the campaign's posts (ending at `now`'s hour) in batches; returns how many were stored. */
export async function seedCampaign(store: Store, config: Config, shape: CampaignShape, now: Date): Promise<number> {
  const next = random(42);
  const lastHour = hourStart(now.getTime());
  const labels: SentimentLabel[] = ['positive', 'negative', 'neutral'];
  let stored = 0;
  let batch: ScoredPost[] = [];
  const flush = async () => {
    stored += (await store.ingest(batch, { now, retentionDays: 400 })).newPosts;
    batch = [];
  };
  for (let hour = lastHour - shape.days * 24 * HOUR_MS + HOUR_MS; hour <= lastHour; hour += HOUR_MS) {
    for (const source of config.sources) {
      const count = Math.floor(next() * shape.postsPerSourceHour * 2 + 0.5);
      for (let i = 0; i < count; i++) {
        const id = `${source.id}-${hour}-${i}`;
        const label = labels[Math.floor(next() * 3)]!;
        const score = label === 'positive' ? 3 : label === 'negative' ? -3 : 0;
        const petition = next() < 0.2;
        batch.push({
          sourceId: source.id,
          id,
          dedupKey: id,
          link: `https://${source.id}.example/${id}`,
          author: null,
          title: `${petition ? 'Sign the petition: ' : ''}post ${id}`,
          text: `Generated post ${id}`,
          published: iso(hour + Math.floor(next() * HOUR_MS)),
          topics: [{ topicId: source.topics[Math.floor(next() * source.topics.length)]!, petition }],
          sentiment: { score, comparative: score / 4, label },
          bucketStart: iso(hour),
        });
        if (batch.length >= 500) await flush();
      }
    }
  }
  await flush();
  return stored;
}
