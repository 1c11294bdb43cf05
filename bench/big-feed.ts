// A large RSS 2.0 file shaped like a busy WordPress news feed, for timing a parser end to end:
// every item has a title with entities, link, permalink guid, pubDate, dc:creator, categories, an
// escaped-HTML excerpt and a CDATA content:encoded body of a few paragraphs with links, emphasis,
// an image and the numeric and named entities WordPress writes (&#8217; &#8220; &nbsp; &amp;).
// Deterministic: the same count gives the same bytes, so runs on different days compare.

import { escapeXml } from '../test/helpers/feed-builder.ts';

const OPENERS = [
  'Fans of Bosch: Legacy are not letting go.',
  'Amazon’s decision to end the series still stings.',
  'The petition to save Bosch: Legacy passed another milestone this week.',
  'Titus Welliver spoke again about Harry Bosch and what comes next.',
  'Renée Ballard gets her own show, and the early reviews are in.',
  'A quiet week for the campaign, with a few new signatures.',
];
const MIDDLES = [
  'Viewers called the finale “a terrible way to end a great show” &amp; asked Prime Video to reconsider.',
  'The cast thanked fans for the support &#8212; &#8220;we see every post&#8221; &#8212; and hinted at more.',
  'Critics were mixed: some loved the pacing, others found the last episodes rushed&nbsp;and flat.',
  'Organisers shared the change.org link again and asked everyone to sign &amp; share.',
  'It&#8217;s the best crime drama on streaming, and losing it would be a shame.',
];
const AUTHORS = ['Jane Doe', 'Marcus Lee', 'Ana Sousa', 'Tom O’Brien'];
const CATEGORIES = ['TV', 'Streaming', 'Bosch: Legacy', 'Ballard', 'Petitions'];

function item(i: number, start: number): string {
  const opener = OPENERS[i % OPENERS.length]!;
  const middle = MIDDLES[(i * 7) % MIDDLES.length]!;
  const link = `https://news.example.com/${2026 - (i % 2)}/bosch-legacy-story-${i}/`;
  const published = new Date(start - i * 9 * 60_000).toUTCString();
  const excerpt = `<p>${opener} ${middle}</p>`;
  const content = [
    `<p>${opener} <a href="https://news.example.com/tag/bosch-legacy/">Bosch: Legacy</a> ${middle}</p>`,
    `<p><img src="https://news.example.com/img/${i}.jpg" alt="Harry Bosch in season ${1 + (i % 3)}" width="640" height="360" /></p>`,
    `<p>In story #${i}, <em>fans</em> and <strong>critics</strong> weighed in. ${MIDDLES[(i * 3 + 1) % MIDDLES.length]}</p>`,
    `<ul><li>Season ${1 + (i % 3)} is streaming now</li><li>The petition has ${1000 + i * 13} signatures</li></ul>`,
    `<p>Read more on <a href="https://news.example.com/">News Example</a> &raquo;</p>`,
  ].join('\n');
  return `    <item>
      <title>Story ${i}: ${escapeXml(opener.replace('.', ''))} &#8211; what we know</title>
      <link>${link}</link>
      <guid isPermaLink="true">${link}</guid>
      <pubDate>${published}</pubDate>
      <dc:creator><![CDATA[${AUTHORS[i % AUTHORS.length]}]]></dc:creator>
      <category><![CDATA[${CATEGORIES[i % CATEGORIES.length]}]]></category>
      <category><![CDATA[${CATEGORIES[(i + 2) % CATEGORIES.length]}]]></category>
      <description>${escapeXml(excerpt)}</description>
      <content:encoded><![CDATA[${content}]]></content:encoded>
    </item>`;
}

/** The feed's text: `count` items, newest first, nine minutes apart from 2026-11-20T12:00Z. */
export function bigFeed(count: number): string {
  const start = Date.parse('2026-11-20T12:00:00Z');
  const items = Array.from({ length: count }, (_, i) => item(i, start)).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>News Example &#8211; TV</title>
    <atom:link href="https://news.example.com/feed/" rel="self" type="application/rss+xml" />
    <link>https://news.example.com/</link>
    <description>TV news, reviews and fan campaigns</description>
    <language>en-US</language>
    <lastBuildDate>${new Date(start).toUTCString()}</lastBuildDate>
${items}
  </channel>
</rss>
`;
}
