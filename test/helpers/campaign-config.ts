// The one-show campaign several CLI tests poll: the Bosch: Legacy topic over one local RSS feed
// (source `fans`), written to the config file the test's commands read.

import { writeFile } from 'node:fs/promises';

export async function writeOneFeedConfig(file: string, feedUrl: string, poll: Record<string, unknown> = {}): Promise<void> {
  await writeFile(
    file,
    JSON.stringify({
      topics: [{ id: 'bosch-legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
      sources: [{ id: 'fans', type: 'rss', url: feedUrl, topics: ['bosch-legacy'] }],
      poll: { timeoutMs: 60_000, ...poll },
    }),
  );
}
