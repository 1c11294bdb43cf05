// The dashboard in a real browser (Debian's chromium through playwright-core), served by
// `fanpulse serve` over a store filled by a real `fanpulse poll --once` of two local feeds. Every
// expected number is counted by hand from the feeds below; the page is read through its data
// tables, as a screen reader would read it.

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/node-function.ts';
import { CHROMIUM, serveUrl } from '../helpers/browser.ts';
import { runCli, startCli, type BackgroundCli } from '../helpers/cli.ts';
import { rssFeed, type FeedEntry } from '../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const HOUR = 3_600_000;
const START = Date.now();
/** The hour the test runs in; posts are placed relative to it, in the hour and minute given. */
const H0 = Math.floor(START / HOUR) * HOUR;
const at = (hoursBefore: number, minutes = 10) => new Date(H0 - hoursBefore * HOUR + minutes * 60_000);
const hourIso = (hoursBefore: number) => new Date(H0 - hoursBefore * HOUR).toISOString();

const XSS = '<img src=x onerror=alert(1)> Bosch Legacy';
/** As a feed carries it: RSS titles are HTML, so markup meant as text arrives entity-escaped. */
const XSS_IN_FEED = '&lt;img src=x onerror=alert(1)&gt; Bosch Legacy';
const WAVE_TITLE = 'Please sign the petition to save Bosch Legacy';

const fans: FeedEntry[] = [
  // Three quiet days: a petition post and a praise post in turn, every 8 hours.
  ...[10, 26, 42, 58].map((h) => ({ title: 'Sign the petition for Bosch Legacy', link: `https://fans.example/p/${h}`, published: at(h) })),
  ...[18, 34, 50, 66].map((h) => ({ title: 'Bosch Legacy finale was wonderful', link: `https://fans.example/p/${h}`, published: at(h) })),
  { title: 'Ballard premiere date announced', link: 'https://fans.example/b/27', published: at(27) },
  { title: 'Ballard trailer looks great', link: 'https://fans.example/b/3', published: at(3) },
  // A title that is markup once the feed's own escaping is undone: it must stay text on the page.
  { title: XSS_IN_FEED, link: 'https://fans.example/xss', published: at(5) },
  // The wave: 30 petition posts in the current hour, up to now (never in the future).
  ...Array.from({ length: 30 }, (_, i) => ({ title: WAVE_TITLE, link: `https://fans.example/wave/${i}`, published: new Date(H0 + Math.floor((i * (START - H0)) / 30)) })),
];
const news: FeedEntry[] = [
  { title: 'Bosch Legacy season recap', link: 'https://news.example/recap', published: at(4) },
  // The fans' praise post again (same link): once in the topic's counts, once in each source's.
  { title: 'Bosch Legacy finale was wonderful', link: 'https://fans.example/p/18', published: at(18) },
];

/** Posts per hour (hours before H0 → count), all other hours 0. */
const boschPosts: Record<string, number> = Object.fromEntries(
  [[58, 1], [50, 1], [42, 1], [34, 1], [26, 1], [18, 1], [10, 1], [5, 1], [4, 1], [0, 30], [66, 1]].map(([h, n]) => [hourIso(h!), n!]),
);
const boschPetition: Record<string, number> = Object.fromEntries([[58, 1], [42, 1], [26, 1], [10, 1], [0, 30]].map(([h, n]) => [hourIso(h!), n!]));
const ballardPosts: Record<string, number> = { [hourIso(27)]: 1, [hourIso(3)]: 1 };
const newsPosts: Record<string, number> = { [hourIso(18)]: 1, [hourIso(4)]: 1 };

let feeds: TestServer;
let serve: BackgroundCli;
let browser: Browser;
let context: BrowserContext;
let url: string;
const dialogs: string[] = [];
/** Waiting on the page: generous, for a loaded 2-core machine; never a measure of speed. */
const SLOW = { timeout: 30_000, interval: 100 };

beforeAll(async () => {
  feeds = await startTestServer({
    '/fans.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Fans', fans)),
    '/news.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('News', news)),
  });
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-browser-'));
  const configFile = join(dir, 'fanpulse.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      topics: [
        { id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] },
        { id: 'ballard', name: 'Ballard', keywords: ['ballard'] },
      ],
      sources: [
        { id: 'fans', type: 'rss', url: `${feeds.url}/fans.xml`, topics: ['bosch-legacy', 'ballard'] },
        { id: 'news', type: 'rss', url: `${feeds.url}/news.xml`, topics: ['bosch-legacy'] },
      ],
    }),
  );
  const common = ['--config', configFile, '--data-dir', join(dir, 'data')];
  const poll = await runCli(['poll', '--once', '--now', new Date(START).toISOString(), ...common], { timeoutMs: 60_000 });
  expect(poll.code, poll.stderr).toBe(0);
  serve = startCli(['serve', '--port', '0', ...common]);
  url = await serveUrl(serve);
  browser = await chromium.launch(CHROMIUM);
  // A zone away from UTC, so local times and the UTC titles differ.
  context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US', viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  await feeds?.close();
});

async function open(view = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${url}${view}`);
  await page.locator('#volume canvas').waitFor({ timeout: 30_000 });
  return page;
}

/** A chart's data table: the column names and, per row, the bucket start (ISO) and its numbers. */
async function chartTable(page: Page, section: string) {
  // Opened as a reader opens it: the table is built on first open.
  const details = page.locator(`#${section} details.data`);
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  return details.locator('table').evaluate((table) => ({
    caption: table.querySelector('caption')!.textContent,
    columns: [...table.querySelectorAll('thead th')].map((th) => th.textContent),
    rows: [...table.querySelectorAll('tbody tr')].map((tr) => ({
      time: tr.querySelector('time')!.getAttribute('datetime')!,
      title: tr.querySelector('time')!.getAttribute('title')!,
      values: [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)),
    })),
  }));
}

/** Every row's count in one column, against hand-counted buckets (zero where none). */
function expectColumn(rows: { time: string; values: number[] }[], column: number, expected: Record<string, number>) {
  expect(Object.fromEntries(rows.filter((r) => r.values[column] !== 0).map((r) => [r.time, r.values[column]]))).toEqual(expected);
  // And the table covers every hand-counted hour (none fell outside the range shown).
  for (const time of Object.keys(expected)) expect(rows.map((r) => r.time)).toContain(time);
}

describe('the dashboard', { timeout: 120_000 }, () => {
  it('charts the seeded counts: posts and petition mentions per hour per topic, read through the data tables', async () => {
    const page = await open();
    const posts = await chartTable(page, 'volume');
    expect(posts.columns).toEqual(['Hour', 'Bosch: Legacy', 'Ballard']);
    expectColumn(posts.rows, 0, boschPosts);
    expectColumn(posts.rows, 1, ballardPosts);
    const petition = await chartTable(page, 'petition');
    expectColumn(petition.rows, 0, boschPetition);
    expectColumn(petition.rows, 1, {});
    // Times in the reader's zone, UTC on hover.
    const row = posts.rows.find((r) => r.time === hourIso(0))!;
    expect(row.title).toBe(`${hourIso(0).slice(0, 16).replace('T', ' ')} UTC`);
    // Share of voice: 40 Bosch posts (11 hours above) and 2 Ballard posts.
    const share = () => page.locator('#share tbody tr').evaluateAll((rows) => rows.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
    await expect.poll(share, SLOW).toEqual([
      ['Bosch: Legacy', '40', '95.2%'],
      ['Ballard', '2', '4.8%'],
    ]);
    await page.close();
  });

  it('asks for the first view\'s data once: what boot.js started is taken over by the page, not asked again', async () => {
    for (const view of ['', '?range=30d&topic=ballard', '?range=24h&source=news&split=source']) {
      const page = await context.newPage();
      const asked: string[] = [];
      page.on('request', (request) => asked.push(new URL(request.url()).pathname));
      await page.goto(`${url}${view}`);
      // The posts panel asks last, once the charts' data is in.
      await page.locator('#posts li.post').first().waitFor({ timeout: 30_000 });
      const count = (path: string) => asked.filter((p) => p === path).length;
      // A split view asks once more per source it splits into (here news alone).
      expect([count('/config'), count('/alerts'), count('/trends')], view).toEqual([1, 1, view.includes('split') ? 2 : 1]);
      await page.close();
    }
  });

  it('keeps the topic and source filters in the address and shows their data', async () => {
    const page = await open();
    await page.selectOption('select[name=topic]', 'ballard');
    await expect.poll(() => new URL(page.url()).searchParams.get('topic'), SLOW).toBe('ballard');
    await expect.poll(async () => (await chartTable(page, 'volume')).columns, SLOW).toEqual(['Hour', 'Ballard']);
    expectColumn((await chartTable(page, 'volume')).rows, 0, ballardPosts);

    await page.selectOption('select[name=topic]', '');
    await page.selectOption('select[name=source]', 'news');
    await expect.poll(() => new URL(page.url()).searchParams.get('source'), SLOW).toBe('news');
    // One source's own counts (news follows Bosch only): the praise post it shares with fans counts here too.
    await expect.poll(async () => (await chartTable(page, 'volume')).caption, SLOW).toBe('Posts per hour, by topic, from news');
    expect((await chartTable(page, 'volume')).columns).toEqual(['Hour', 'Bosch: Legacy · news']);
    expectColumn((await chartTable(page, 'volume')).rows, 0, newsPosts);

    // The link alone opens the same view.
    const shared = await open(new URL(page.url()).search);
    expect(await shared.locator('select[name=source]').inputValue()).toBe('news');
    expectColumn((await chartTable(shared, 'volume')).rows, 0, newsPosts);
    await Promise.all([page.close(), shared.close()]);
  });

  it('opens an alert from its marker on the timeline: why it fired and its posts', async () => {
    const page = await open();
    const marker = page.locator('#volume .marker').first();
    await marker.click();
    const detail = page.locator('#alert-detail');
    await expect.poll(() => detail.locator('.why').textContent(), SLOW).toContain('30 petition mentions of Bosch: Legacy');
    await expect.poll(() => detail.locator('li.post').count(), SLOW).toBe(30);
    expect(new Set(await detail.locator('li.post .title').allTextContents())).toEqual(new Set([WAVE_TITLE]));
    await mkdir(join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, 'test-artifacts', 'dashboard.png'), fullPage: true });
    await page.close();
  });

  it('opens an alert from the keyboard: Enter on it in the alert list moves focus to its detail', async () => {
    const page = await open();
    const item = page.locator('#alert-list button.alert').first();
    await item.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), SLOW).toBe('alert-detail');
    await expect.poll(() => page.locator('#alert-detail li.post').count(), SLOW).toBe(30);
    await page.close();
  });

  it('shows a post titled with markup as text, and runs none of it', async () => {
    // A custom range around the post (a link to it), so it is among the newest posts listed.
    const page = await open(`?range=custom&since=${hourIso(6)}&until=${hourIso(4)}`);
    const titles = page.locator('#posts li.post .title');
    await expect.poll(() => titles.allTextContents(), SLOW).toEqual([XSS]);
    expect(await page.locator('#posts img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('fits a phone screen: no sideways scrolling at 390 px', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await phone.newPage();
    await page.goto(url);
    await page.locator('#volume canvas').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();
  });
});
