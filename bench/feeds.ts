// Feed-parsing conformance against feedparser's test suite (../shared/reference/feeds, see its README):
// how many documents parse per folder, well-formed ones wrongly rejected, ill-formed ones recovered or
// rejected (never a crash), per-field pass rates for the `Expect:` clauses that map onto a Post, and
// the RFC 822 / W3C-DTF date cases.
// Then the parse speed against feedparser itself (bench/parse-speed.ts).
// Run: npx tsx -e "import('./bench/feeds.ts').then(m=>m.main())"   (or: npm run bench -- feeds)

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseFeedDate } from '../lambdas/core/dates.ts';
import { NotAFeedError } from '../lambdas/core/errors.ts';
import { htmlToPlainText, normaliseItem, plainText, type NormaliseContext } from '../lambdas/core/normalise.ts';
import { decodeBody } from '../lambdas/core/parse/decode.ts';
import { parseFeed, type FeedItem, type ParsedFeed } from '../lambdas/core/parse/parse-feed.ts';
import type { Post } from '../lambdas/core/types.ts';
import { measureParseSpeed } from './parse-speed.ts';
import { referencePath } from './reference.ts';

/** feedparser's own test harness serves the files from here; relative links resolve against it. */
const HARNESS_URL = 'http://127.0.0.1:8097/';

interface Case {
  path: string;
  folder: string;
  bytes: Buffer;
  contentType: string | null;
  contentLocation: string | null;
  expect: string;
  illformed: boolean;
}

type Outcome =
  | { kind: 'parsed'; feed: ParsedFeed; posts: Post[]; encoding: string }
  | { kind: 'rejected'; message: string }
  | { kind: 'crashed'; error: unknown };

export async function main(): Promise<void> {
  await conformance();
  await measureParseSpeed();
}

async function conformance(): Promise<void> {
  const root = referencePath('feeds');
  if (!root) return;
  const cases = listFiles(join(root, 'tests')).map((path) => readCase(root, path));

  const perFolder = new Map<string, { files: number; parsed: number; rejected: number; crashed: number }>();
  const wronglyRejected: string[] = [];
  const crashes: string[] = [];
  let illformed = 0;
  let recovered = 0;
  const fields = new Map<string, { checked: number; passed: number; failures: string[] }>();

  for (const testCase of cases) {
    const outcome = run(testCase);
    const row = perFolder.get(testCase.folder) ?? { files: 0, parsed: 0, rejected: 0, crashed: 0 };
    row.files++;
    if (outcome.kind === 'parsed') row.parsed++;
    else if (outcome.kind === 'rejected') row.rejected++;
    else row.crashed++;
    perFolder.set(testCase.folder, row);

    if (outcome.kind === 'crashed') crashes.push(`${testCase.path}: ${String(outcome.error)}`);
    if (testCase.illformed) {
      illformed++;
      if (outcome.kind === 'parsed') recovered++;
    } else if (outcome.kind === 'rejected') {
      wronglyRejected.push(`${testCase.path}: ${outcome.message}`);
    }

    for (const check of mappableChecks(testCase.expect)) {
      const stats = fields.get(check.field) ?? { checked: 0, passed: 0, failures: [] };
      stats.checked++;
      const actual = outcome.kind === 'parsed' ? check.actual(outcome) : '(not parsed)';
      if (check.expected.includes(actual)) stats.passed++;
      else stats.failures.push(`${testCase.path}: expected ${JSON.stringify(check.expected.at(-1))}, got ${JSON.stringify(actual)}`);
      fields.set(check.field, stats);
    }
  }

  console.log(`\nfeedparser tests: ${cases.length} files`);
  printTable(
    ['folder', 'files', 'parsed', 'rejected', 'crashed'],
    [...perFolder.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([folder, r]) => [folder, r.files, r.parsed, r.rejected, r.crashed]),
  );
  console.log(`\nwell-formed wrongly rejected: ${wronglyRejected.length} of ${cases.length - illformed}`);
  for (const line of wronglyRejected) console.log(`  ${line}`);
  console.log(`ill-formed (illformed/, encoding/bozo_*): ${illformed}, recovered ${recovered}, rejected ${illformed - recovered}`);
  console.log(`crashes (anything but NotAFeedError): ${crashes.length}`);
  for (const line of crashes) console.log(`  ${line}`);

  console.log('\nExpect: clauses mapped to Post fields (entries[0] / feed)');
  printTable(
    ['field', 'checked', 'passed', 'rate'],
    [...fields.entries()].map(([field, s]) => [field, s.checked, s.passed, percent(s.passed, s.checked)]),
  );
  if (process.argv.includes('--verbose')) {
    for (const [field, s] of fields) for (const failure of s.failures) console.log(`  ${field} ✗ ${failure}`);
  }

  runJsonFeedSpecExample(root);
  runDateCases(root);
}

/** The JSON Feed 1.1 spec's simple example: 2 items, "2" with content_text, "1" with content_html. */
function runJsonFeedSpecExample(root: string): void {
  const body = readFileSync(join(root, 'jsonfeed', 'spec-1.1-simple-example.json'));
  let verdict: string;
  try {
    const posts = normaliseFeedForBench(body);
    const ok = posts.length === 2 && posts[0]?.id === '2' && posts[0].text === 'This is a second item.' && posts[1]?.id === '1' && posts[1].text === 'Hello, world!';
    verdict = ok ? 'pass' : `FAIL ${JSON.stringify(posts)}`;
  } catch (error) {
    verdict = `FAIL ${String(error)}`;
  }
  console.log(`
jsonfeed/spec-1.1-simple-example.json: ${verdict}`);
}

function normaliseFeedForBench(body: Buffer): Post[] {
  const feed = parseFeed(body, 'application/feed+json');
  const context: NormaliseContext = { sourceId: 'bench', feedUrl: 'https://example.org/feed.json', feed: { format: feed.format, link: feed.link, base: feed.base } };
  return feed.items.map((item) => normaliseItem(item, context));
}

function run(testCase: Case): Outcome {
  try {
    const feed = parseFeed(testCase.bytes, testCase.contentType);
    const context: NormaliseContext = {
      sourceId: 'bench',
      feedUrl: testCase.contentLocation ?? new URL(testCase.path, HARNESS_URL).href,
      feed: { format: feed.format, link: feed.link, base: feed.base },
    };
    const { encoding } = decodeBody(testCase.bytes, testCase.contentType);
    return { kind: 'parsed', feed, posts: feed.items.map((item) => normaliseItem(item, context)), encoding };
  } catch (error) {
    if (error instanceof NotAFeedError) return { kind: 'rejected', message: error.message };
    return { kind: 'crashed', error };
  }
}

interface Check {
  field: string;
  /** Any of these counts as a pass (feedparser's value as written, or as plain text). */
  expected: (string | null)[];
  actual(outcome: Extract<Outcome, { kind: 'parsed' }>): string | null;
}

/**
 * The `Expect:` clauses that compare one of our fields to a literal. feedparser keeps markup in
 * titles and text where we keep plain text, so those expectations go through the same converter;
 * it writes "name (email)" authors where we keep the name; its *_parsed are struct_times.
 */
function mappableChecks(expect: string): Check[] {
  const checks: Check[] = [];
  for (const clause of splitClauses(expect)) {
    const eq = clause.lastIndexOf(' == ');
    if (eq === -1) continue;
    const lhs = clause.slice(0, clause.indexOf(' == ')).trim();
    const literal = clause.slice(eq + 4).trim();
    if (lhs === 'encoding') {
      const label = pythonString(literal);
      // Compare WHATWG names: TextDecoder reads us-ascii and iso-8859-1 as windows-1252, as browsers do.
      if (label) checks.push({ field: 'document encoding', expected: [encodingName(label)], actual: (o) => o.encoding });
      continue;
    }
    const entryField = /^entries\[0\](?:\['(\w+)'\]|\.(\w+))(\[0\]\['value'\])?$/.exec(lhs);
    const feedField = /^feed(?:\['(\w+)'\]|\.(\w+))$/.exec(lhs);
    const field = entryField ? (entryField[1] ?? entryField[2])! : feedField ? (feedField[1] ?? feedField[2])! : null;
    if (!field) continue;

    if (field.endsWith('_parsed') && entryField) {
      const expected = structTimeToIso(literal);
      if (expected === undefined) continue;
      const which = field === 'updated_parsed' ? 'updated' : 'published';
      checks.push({
        field: `entry ${field} (→ published)`,
        expected: [expected],
        actual: ({ feed, posts }) => {
          const item: FeedItem | undefined = feed.items[0];
          const iso = which === 'updated' ? parseFeedDate(item?.updated) ?? posts[0]?.published : posts[0]?.published;
          return iso ? `${iso.slice(0, 19)}Z` : null;
        },
      });
      continue;
    }

    const value = pythonString(literal);
    if (value === null) continue;
    const asWritten = [value, htmlToPlainText(value)];
    if (entryField) {
      const first = (outcome: Extract<Outcome, { kind: 'parsed' }>) => outcome.posts[0];
      switch (field) {
        case 'link':
          checks.push({ field: 'entry link', expected: [value], actual: (o) => first(o)?.link ?? null });
          break;
        case 'id':
          checks.push({ field: 'entry id', expected: [value], actual: (o) => first(o)?.id ?? null });
          break;
        case 'author': {
          const named = / \(([^()]+@[^()]+)\)$/.exec(value);
          checks.push({ field: 'entry author', expected: [named ? value.slice(0, named.index) : value], actual: (o) => first(o)?.author ?? null });
          break;
        }
        case 'title':
          checks.push({ field: 'entry title', expected: asWritten, actual: (o) => first(o)?.title ?? null });
          break;
        // Post.text is the content, else the summary; feedparser's fields are the item's parts.
        case 'summary':
        case 'description':
          checks.push({ field: 'entry summary', expected: asWritten, actual: (o) => plainOrNull(o.feed.items[0]?.summary ?? null) });
          break;
        case 'content':
          checks.push({ field: 'entry content', expected: asWritten, actual: (o) => plainOrNull(o.feed.items[0]?.content ?? null) });
          break;
      }
    } else if (field === 'title') {
      checks.push({ field: 'feed title', expected: asWritten, actual: (o) => (o.feed.title ? htmlToPlainText(o.feed.title) : null) });
    } else if (field === 'link') {
      checks.push({ field: 'feed link', expected: [value], actual: (o) => o.feed.link });
    }
  }
  return checks;
}

function encodingName(label: string): string {
  const lower = label.toLowerCase();
  if (lower.startsWith('utf-32')) return lower === 'utf-32' ? 'utf-32le' : lower;
  try {
    return new TextDecoder(lower).encoding;
  } catch {
    return lower;
  }
}

function plainOrNull(value: FeedItem['summary']): string | null {
  return value ? plainText(value) : null;
}

function splitClauses(expect: string): string[] {
  const clauses: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < expect.length; i++) {
    const c = expect[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (expect.startsWith(' and ', i)) {
      clauses.push(expect.slice(start, i));
      start = i + 5;
    }
  }
  clauses.push(expect.slice(start));
  return clauses.map((clause) => clause.trim());
}

/** A Python string literal ('…', "…", u'…') → its value; null when the text is not one. */
function pythonString(literal: string): string | null {
  const body = literal.replace(/^u/, '');
  const quote = body[0];
  if ((quote !== "'" && quote !== '"') || !body.endsWith(quote) || body.length < 2) return null;
  const inner = body.slice(1, -1);
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = inner[++i];
    if (next === 'u') {
      out += String.fromCharCode(parseInt(inner.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (next === 'x') {
      out += String.fromCharCode(parseInt(inner.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (next === 'n') out += '\n';
    else if (next === 't') out += '\t';
    else out += next ?? '';
  }
  return out;
}

/** "(2003, 12, 31, 10, 14, 55, 2, 365, 0)" → "2003-12-31T10:14:55Z"; undefined when not a tuple. */
function structTimeToIso(literal: string): string | undefined {
  const numbers = literal.replace(/[()\s]/g, '').split(',').map(Number);
  if (numbers.length < 6 || numbers.some(Number.isNaN)) return undefined;
  const [y, mo, d, h, mi, s] = numbers as [number, number, number, number, number, number];
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}Z`;
}

function runDateCases(root: string): void {
  const file = join(root, 'date_parser_cases.json');
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as {
    cases: { parser: string; input: string; expected_utc: string | null }[];
  };
  const groups = new Map<string, { cases: number; passed: number; failures: string[] }>();
  for (const c of cases) {
    const group = c.parser === '_parse_date_rfc822' ? 'RFC 822' : c.parser === '_parse_date_w3dtf' ? 'W3C-DTF' : `other (${c.parser.replace('_parse_date_', '')})`;
    const ours = parseFeedDate(c.input);
    const actual = ours ? `${ours.slice(0, 19)}Z` : null;
    const stats = groups.get(group) ?? { cases: 0, passed: 0, failures: [] };
    stats.cases++;
    if (actual === c.expected_utc) stats.passed++;
    else stats.failures.push(`${JSON.stringify(c.input)}: expected ${c.expected_utc}, got ${actual}`);
    groups.set(group, stats);
  }
  console.log('\ndate_parser_cases.json through parseFeedDate (expected null = must not parse)');
  printTable(
    ['parser', 'cases', 'passed', 'rate'],
    [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, s]) => [group, s.cases, s.passed, percent(s.passed, s.cases)]),
  );
  for (const [group, s] of groups) {
    if (group.startsWith('other')) continue;
    for (const failure of s.failures) console.log(`  ${group} ✗ ${failure}`);
  }
}

function readCase(root: string, path: string): Case {
  const rel = relative(join(root), path);
  const testsRel = relative(join(root, 'tests'), path);
  const bytes = readFileSync(path);
  const text = decodeBody(bytes).text;
  const segments = testsRel.split('/');
  const folder = segments.length > 2 ? `${segments[0]}/${segments[1]}` : segments[0]!;
  const meta = extractMeta(text);
  return {
    path: rel,
    folder,
    bytes,
    contentType: meta.headers.get('content-type') ?? null,
    contentLocation: meta.headers.get('content-location') ?? null,
    expect: meta.expect,
    illformed: testsRel.startsWith('illformed/') || testsRel.startsWith('encoding/bozo_'),
  };
}

/** The harness comment (or JSON `__TEST__`): simulated headers and the Expect expression. */
function extractMeta(text: string): { headers: Map<string, string>; expect: string } {
  const headers = new Map<string, string>();
  const at = text.indexOf('Expect:');
  const end = at === -1 ? -1 : text.indexOf('-->', at);
  const expect = at === -1 ? '' : text.slice(at + 7, end === -1 ? undefined : end).trim();
  const head = at === -1 ? '' : text.slice(0, at);
  for (const line of head.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('Header:')) continue;
    const header = trimmed.slice(7).trim();
    const colon = header.indexOf(':');
    if (colon !== -1) headers.set(header.slice(0, colon).trim().toLowerCase(), header.slice(colon + 1).trim());
  }
  return { headers, expect };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

function printTable(header: string[], rows: (string | number)[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells: (string | number)[]) =>
    cells.map((cell, i) => (typeof cell === 'number' ? String(cell).padStart(widths[i]!) : String(cell).padEnd(widths[i]!))).join('  ');
  console.log(`  ${line(header)}`);
  for (const row of rows) console.log(`  ${line(row)}`);
}
