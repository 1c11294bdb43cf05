// `fanpulse demo` as a user runs it: the real CLI in a child process, from a folder that is not the
// project, with no DynamoDB endpoint in the environment. The expected numbers are derived by hand
// from the fixture feeds (demo/README.md lists the posts behind them) or counted here from the
// fixture files themselves, never by calling the code under test.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'fanpulse.mjs');
const FEEDS = join(ROOT, 'demo', 'feeds');
const run = promisify(execFile);

// The shell may point at a DynamoDB Local or a deployed table: the demo must not care.
const { DYNAMODB_ENDPOINT: _endpoint, FANPULSE_TABLE: _table, ...env } = process.env;

async function fanpulse(args: string[], cwd: string) {
  return run(process.execPath, [BIN, ...args], { cwd, env, timeout: 170_000, maxBuffer: 10_000_000 });
}

/** The rows of the table under `title`: [day, posts, petition] as the demo prints them. */
function dailyRows(output: string, title: string): [string, number, number][] {
  const lines = output.split('\n');
  const start = lines.indexOf(title);
  expect(start, `a table headed "${title}"`).toBeGreaterThan(-1);
  const rows: [string, number, number][] = [];
  for (const line of lines.slice(start + 3)) {
    // "2025-03-21 Fri     10         2 …": the day, its weekday, then the counts.
    const cells = line.trim().split(/\s+/);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(cells[0] ?? '')) break;
    rows.push([cells[0]!, Number(cells[2]), Number(cells[3])]);
  }
  return rows;
}

interface FixtureItem {
  text: string;
  published: number | null;
}

/** Every item of the fixture feeds, read with plain string handling (no feed parser). */
async function fixtureItems(): Promise<Record<string, FixtureItem[]>> {
  const xmlItems = (xml: string, tag: string, dateTag: string) =>
    [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(([, body]) => {
      const date = new RegExp(`<${dateTag}>([^<]+)</${dateTag}>`).exec(body!)?.[1];
      return { text: body!, published: date ? Date.parse(date) : null };
    });
  const petition = JSON.parse(await readFile(join(FEEDS, 'petition.json'), 'utf8')) as {
    items: { title: string; content_text: string; date_published?: string }[];
  };
  return {
    'bosch-pit-forum': xmlItems(await readFile(join(FEEDS, 'forum.xml'), 'utf8'), 'item', 'pubDate'),
    'r-boschlegacy': xmlItems(await readFile(join(FEEDS, 'subreddit.xml'), 'utf8'), 'item', 'pubDate'),
    'screenbeat-tv': xmlItems(await readFile(join(FEEDS, 'news.xml'), 'utf8'), 'entry', 'published'),
    'petition-updates': petition.items.map((i) => ({
      text: `${i.title}\n${i.content_text}`,
      published: i.date_published ? Date.parse(i.date_published) : null,
    })),
  };
}

let cwd: string;
let first: { stdout: string; stderr: string };
let second: { stdout: string; stderr: string };

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'fanpulse-demo-test-'));
  [first, second] = await Promise.all([fanpulse(['demo'], cwd), fanpulse(['demo'], cwd)]);
}, 120_000);

describe('fanpulse demo', () => {
  it('exits 0 with nothing on stderr (no feed failed, no warning)', () => {
    // execFile rejects on a non-zero exit, so reaching here means both runs exited 0.
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('fanpulse demo');
  });

  it('prints the same output every time it runs', () => {
    expect(second.stdout).toBe(first.stdout);
  });

  it('polls every fixture feed and reports each item it served', async () => {
    const items = await fixtureItems();
    for (const [source, list] of Object.entries(items)) {
      expect(first.stdout).toMatch(new RegExp(`^  ${source}: ${list.length} items, \\d+ matched a topic$`, 'm'));
    }
    // 58 + 40 + 8 + 9 posts matched a topic; the ScreenBeat story r/BoschLegacy links to counts once.
    expect(first.stdout).toContain('stored 114 new posts');
  });

  it('shows a second pass that gets 304s and counts nothing twice', () => {
    const secondPass = first.stdout.slice(first.stdout.indexOf('pass at 2025-03-27T15:05:00.000Z'));
    expect(secondPass.match(/: not modified$/gm)).toHaveLength(4);
    expect(secondPass).toContain('stored 0 new posts (0 bucket writes); alerts raised 0');
  });

  it('shows the daily trends the fixtures were written to produce', () => {
    // demo/README.md: posts and petition mentions per UTC day; the 27th has the spike and the undated megathread.
    expect(dailyRows(first.stdout, 'Bosch: Legacy (bosch-legacy)')).toEqual([
      ['2025-03-21', 10, 2],
      ['2025-03-22', 10, 3],
      ['2025-03-23', 11, 2],
      ['2025-03-24', 11, 4],
      ['2025-03-25', 8, 3],
      ['2025-03-26', 11, 2],
      ['2025-03-27', 43, 34],
    ]);
    expect(dailyRows(first.stdout, 'Ballard (spin-off) (ballard)')).toEqual([
      ['2025-03-21', 1, 0],
      ['2025-03-22', 2, 0],
      ['2025-03-23', 1, 0],
      ['2025-03-24', 2, 0],
      ['2025-03-25', 3, 0],
      ['2025-03-26', 3, 1],
    ]);
  });

  it('raises exactly one alert, for the petition spike on Bosch: Legacy in the last hour', async () => {
    // Counted from the files: items published 14:00-15:00 on the 27th that name a petition term.
    const spikeStart = Date.parse('2025-03-27T14:00:00Z');
    const petitionTerm = /petition|signatures|change\.org|#SaveBoschLegacy|save bosch:? legacy|bring back bosch/i;
    const inSpike = Object.values(await fixtureItems())
      .flat()
      .filter((i) => i.published !== null && i.published >= spikeStart && i.published < spikeStart + 3_600_000 && petitionTerm.test(i.text));
    expect(inSpike).toHaveLength(30);

    expect(first.stdout.match(/^  ALERT /gm)).toHaveLength(1);
    expect(first.stdout).toContain('  ALERT bosch-legacy: 30 petition mentions 2025-03-27T14:00:00.000Z');
    expect(first.stdout.match(/^Subject: /gm)).toHaveLength(1);
    expect(first.stdout).toMatch(/^Subject: fanpulse: petition spike on "Bosch: Legacy" - 30 mentions in 1h, ~\d+x usual, a push$/m);
    // demo/fanpulse.demo.json keeps the campaign's time in Los Angeles (PDT, UTC-7, on 27 March 2025).
    expect(first.stdout).toContain('\nWhen: Thu 2025-03-27 07:00-08:00 America/Los_Angeles (14:00-15:00 UTC)\n');
  });

  it("gives the spike's sentiment for exactly the 30 mentions it counted (the hour holds 31 posts)", () => {
    const split = /^Mostly positive, a push: (\d+) positive, (\d+) negative, (\d+) neutral\.$/m.exec(first.stdout);
    expect(split, 'the sentiment line').not.toBeNull();
    expect(split!.slice(1).map(Number).reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('draws the hourly petition chart: the spike as the peak, a tick for each of the last days', () => {
    const lines = first.stdout.split('\n');
    const top = lines.findIndex((l) => /^30 ┤/.test(l));
    expect(top).toBeGreaterThan(-1);
    // The last column (14:00-15:00 on the 27th) is full in every one of the 8 rows.
    for (const row of lines.slice(top, top + 8)) expect(row.endsWith('█')).toBe(true);
    expect(lines[top + 8]).toMatch(/^ 0 └[─┬]{72}$/);
    expect(lines[top + 9]!.trim().split(/\s+/)).toEqual(['Mar', '25', 'Mar', '26', 'Mar', '27']);
  });

  it('keeps its store in --data-dir, and the commands it suggests work against it', async () => {
    const kept = await fanpulse(['demo', '--data-dir', 'kept'], cwd);
    // The alert e-mail suggests commands too; the ones to run are under the last heading.
    const commands = kept.stdout
      .slice(kept.stdout.indexOf('5. Try next'))
      .split('\n')
      .filter((line) => line.startsWith('  npx fanpulse '))
      .map((line) => line.trim().split(/\s+/).slice(2));
    expect(commands.map((c) => c[0])).toEqual(['trends', 'alerts', 'sources']);
    for (const args of commands) expect(args.slice(1, 3)).toEqual(['--data-dir', 'kept']);

    // One after another, as a user types them: a process that joins another's embedded store
    // loses it when that process exits.
    const outputs: { stdout: string }[] = [];
    for (const args of commands) outputs.push(await fanpulse(args, cwd));
    const [trends, alerts, sources] = outputs;
    // The spike hour: 30 petition mentions and the one post about the premiere that is not one.
    expect(trends!.stdout).toMatch(/^bosch-legacy\s+2025-03-27 14:00\s+31\s+30\s/m);
    expect(JSON.parse(alerts!.stdout)).toMatchObject([{ topic: 'bosch-legacy', count: 30, status: 'sent' }]);
    expect(sources!.stdout.match(/\brss\s+ok\b/g)).toHaveLength(4);
    expect(await readFile(join(cwd, 'kept', 'alerts.jsonl'), 'utf8')).toContain('"topic":"bosch-legacy"');
  });

  it('refuses a --data-dir that already holds data, rather than mixing its numbers in', async () => {
    await mkdir(join(cwd, 'occupied'));
    await writeFile(join(cwd, 'occupied', 'notes.txt'), 'mine');
    const refused = await fanpulse(['demo', '--data-dir', 'occupied'], cwd).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain('is not empty');
  });
});
