// `fanpulse demo`: the whole product offline. Serves the fixture feeds in demo/feeds on 127.0.0.1,
// polls them twice through the real pipeline into an embedded store, then prints what a campaign
// organiser would look at: daily trends, an hourly petition chart and the alert e-mail.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createHttpFetcher } from '../../adapters/http-fetcher.ts';
import { createLocalSink } from '../../adapters/local-sink.ts';
import { createSources } from '../../adapters/sources/create-source.ts';
import { readEnv } from '../../config/env.ts';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { formatAlertMessage } from '../../core/alert-message.ts';
import { shellWord } from '../../core/store-address.ts';
import { UsageError } from '../../core/errors.ts';
import { runPass, type PassLog } from '../../core/pipeline.ts';
import { readAlerts, readTrends } from '../../query/read.ts';
import { HOUR_MS, iso } from '../../core/time.ts';
import { renderHourlyChart } from '../../query/chart.ts';
import { PACKAGE_ROOT } from '../context.ts';
import { renderTable } from '../../query/format.ts';
import { trendTableColumns } from '../../query/trend-columns.ts';
import { connectStore } from '../store-connection.ts';
import { summarise } from './poll.ts';
import { listenOnLoopback, type LoopbackServer } from '../../adapters/loopback-server.ts';

export interface DemoOptions {
  dataDir?: string;
}

const DEMO_DIR = join(PACKAGE_ROOT, 'demo');
const DEMO_CONFIG = join(DEMO_DIR, 'fanpulse.demo.json');
/** The demo config's sources live on this placeholder origin; the demo points them at its own server. */
const PLACEHOLDER_ORIGIN = 'http://demo.invalid/';
/** The fixtures end at 14:58 UTC on the premiere day: the clock stops just after, so every run prints the same. */
const DEMO_NOW = new Date('2025-03-27T15:00:00Z');
/** Short enough to be inside the alert cooldown, so the second pass shows that nothing repeats. */
const SECOND_PASS_AFTER_MS = 5 * 60_000;
const CHART_TOPIC = 'bosch-legacy';
const CHART_HOURS = 72;
const WIDTH = 80;

const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/feed+json; charset=utf-8',
};

export async function run(options: DemoOptions): Promise<string> {
  const keep = options.dataDir !== undefined;
  const dataDir = keep ? await emptyDir(resolve(options.dataDir!)) : await mkdtemp(join(tmpdir(), 'fanpulse-demo-'));
  let server: LoopbackServer | undefined;
  try {
    server = await serveFeeds(join(DEMO_DIR, 'feeds'));
    const config = atOrigin(await loadConfig(DEMO_CONFIG), server.url);
    // An empty environment: the demo never touches a DYNAMODB_ENDPOINT or table the shell points at.
    const connection = await connectStore(readEnv({}), dataDir);
    try {
      const store = connection.store;
      const deps = {
        config,
        store,
        sources: createSources(config, createHttpFetcher(config.poll)),
        // The alert is printed below, in its place in the story; the sink still records it in alerts.jsonl.
        sink: createLocalSink({ file: join(dataDir, 'alerts.jsonl'), out: discard() }),
        log: quietLog,
      };
      const first = await runPass({ ...deps, now: DEMO_NOW });
      const second = await runPass({ ...deps, now: new Date(DEMO_NOW.getTime() + SECOND_PASS_AFTER_MS) });

      const daily = await Promise.all(
        config.topics.map(async (topic) => ({
          topic,
          buckets: await readTrends(store, config, { topic: topic.id, since: '7d', bucket: 'day', format: 'table' }, DEMO_NOW),
        })),
      );
      const hourly = await readTrends(
        store,
        config,
        { topic: CHART_TOPIC, since: iso(DEMO_NOW.getTime() - CHART_HOURS * HOUR_MS), until: iso(DEMO_NOW.getTime()), bucket: 'hour', format: 'json' },
        DEMO_NOW,
      );
      const alerts = await readAlerts(store, { since: '7d', format: 'json' }, DEMO_NOW);
      const chartTopic = config.topics.find((t) => t.id === CHART_TOPIC)!;

      return [
        intro(config.sources.length),
        heading('1. Poll: two passes, five minutes apart'),
        summarise(first),
        summarise(second),
        'The second pass gets 304 Not Modified from every feed: nothing is counted',
        'twice, and the spike has already alerted, so it does not alert again.',
        heading('2. Trends per UTC day (fanpulse trends --bucket day)'),
        ...daily.map(({ topic, buckets }) => `${topic.name ?? topic.id} (${topic.id})\n${renderTable(buckets.filter((b) => b.posts > 0), trendTableColumns('day', { topic: false, source: false }))}`),
        'A post counts once per topic, in the hour it was published (the undated',
        'megathread: in the hour it was first seen, 15:00 on the 27th); the story that',
        'both ScreenBeat and r/BoschLegacy link to counts once. The 27th runs to 15:00.',
        heading(`3. Petition mentions per hour, ${chartTopic.name ?? CHART_TOPIC}, last ${CHART_HOURS} hours (UTC)`),
        renderHourlyChart(hourly.map((b) => ({ hourStart: b.bucketStart, value: b.petitionMentions }))),
        'One column per hour, oldest on the left; the last is 14:00-15:00 on the 27th.',
        heading(`4. The alert: the e-mail an organiser gets (${alerts.length === 1 ? 'one alert' : `${alerts.length} alerts`})`),
        ...alerts.map((alert) => {
          // Its commands name the store the "Try next" section keeps (a temp store is gone by then).
          const store = { kind: 'data-dir' as const, dataDir: keep ? displayPath(dataDir) : 'demo-data', configPath: displayPath(DEMO_CONFIG) };
          const { subject, body } = formatAlertMessage(alert, { timeZone: config.alerts.timeZone, store });
          return `Subject: ${subject}\n\n${body}`;
        }),
        'The local sink also appended it to alerts.jsonl in the data dir; in AWS it goes',
        'out through SNS to every subscribed address.',
        heading('5. Try next'),
        tryNext(keep ? dataDir : null),
      ].join('\n');
    } finally {
      await connection.close();
    }
  } finally {
    await server?.close();
    if (!keep) await rm(dataDir, { recursive: true, force: true });
  }
}

function intro(feeds: number): string {
  return [
    'fanpulse demo: the whole pipeline, offline, on made-up data',
    '',
    `${feeds} fixture feeds from a fictional Bosch: Legacy fan campaign (a fan forum,`,
    "a subreddit, a TV news site and the petition's updates; see demo/README.md)",
    'are served on 127.0.0.1 and polled through the real pipeline into an embedded',
    'store. The clock is fixed at 2025-03-27 15:00 UTC, premiere day of the final',
    'season, just after the last post.',
  ].join('\n');
}

const heading = (title: string) => `\n── ${title} ${'─'.repeat(Math.max(3, WIDTH - title.length - 4))}\n`;

/** Commands that work against the demo's store as it was left; `dir` is null when it was a temp folder. */
function tryNext(dir: string | null): string {
  const dataDir = dir ? shellWord(displayPath(dir)) : 'demo-data';
  const now = `--now ${DEMO_NOW.toISOString().slice(0, 16)}Z`;
  return [
    dir
      ? `The demo's store is kept in ${dataDir}. Explore it from this folder:`
      : "This run's store was a temp folder, now deleted. Keep one and explore it:",
    ...(dir ? [] : [`  npx fanpulse demo --data-dir ${dataDir}`]),
    `  npx fanpulse trends --data-dir ${dataDir} ${now} --since 6h`,
    `  npx fanpulse alerts --data-dir ${dataDir} ${now} --format json`,
    `  npx fanpulse sources --data-dir ${dataDir} --config ${shellWord(displayPath(DEMO_CONFIG))}`,
    '',
  ].join('\n');
}

/** Relative to the working directory when inside it (shorter to type), else absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}


/** A kept data dir must start empty: the demo's numbers are only its own on a fresh store. */
async function emptyDir(dir: string): Promise<string> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new UsageError(`cannot use --data-dir ${dir}: ${error.message}`, { cause: error });
  });
  if (entries.length > 0) {
    throw new UsageError(`--data-dir ${dir} is not empty: the demo needs a new or empty folder (delete it, or choose another)`);
  }
  return dir;
}

/** The demo config with its sources pointed at the local feed server. */
function atOrigin(config: Config, origin: string): Config {
  const sources = config.sources.map((source) =>
    source.type === 'rss' && source.url.startsWith(PLACEHOLDER_ORIGIN)
      ? { ...source, url: `${origin}/${source.url.slice(PLACEHOLDER_ORIGIN.length)}` }
      : source,
  );
  return { ...config, sources };
}

/** Serves a folder's files under /feeds/ like a polite feed host: an ETag per file, 304 when it matches. */
async function serveFeeds(dir: string): Promise<LoopbackServer> {
  const files = new Map<string, { body: Buffer; etag: string; type: string }>();
  for (const name of await readdir(dir)) {
    const body = await readFile(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    files.set(`/feeds/${name}`, { body, etag, type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' });
  }
  const server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://demo').pathname);
    if (!file) return void res.writeHead(404).end();
    const validators = (req.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim());
    if (validators.includes(file.etag)) return void res.writeHead(304, { etag: file.etag }).end();
    res.writeHead(200, { 'content-type': file.type, etag: file.etag }).end(file.body);
  });
  return listenOnLoopback(server);
}

/** The pass's progress notes would interleave with the story; warnings (a feed that failed) still show. */
const quietLog: PassLog = {
  info: () => {},
  warn: (message) => console.error(`fanpulse: warning: ${message}`),
};

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });
