// Writes small RSS 2.0 documents for tests that need many or time-relative items
// (hand-written fixtures under test/fixtures/feeds cover the formats themselves).

export interface FeedEntry {
  title: string;
  link?: string;
  guid?: string;
  published?: Date;
  description?: string;
}

export const escapeXml = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function rssFeed(title: string, entries: readonly FeedEntry[]): string {
  const items = entries
    .map(
      (e) => `    <item>
      <title>${escapeXml(e.title)}</title>${e.link ? `\n      <link>${escapeXml(e.link)}</link>` : ''}${
        e.guid ? `\n      <guid isPermaLink="false">${escapeXml(e.guid)}</guid>` : ''
      }${e.published ? `\n      <pubDate>${e.published.toUTCString()}</pubDate>` : ''}
      <description>${escapeXml(e.description ?? '')}</description>
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>${escapeXml(title)}</title>
    <link>https://example.com/</link>
    <description>test feed</description>
${items}
  </channel>
</rss>
`;
}
