// The dashboard page: its weight (gzipped, as a browser downloads it) and the time from navigation
// to the first chart drawn, in Debian's chromium, against `fanpulse serve` over the embedded store
// holding a campaign's month (DAYS days × TOPICS topics × SOURCES sources, written through ingest).
// Targets (issue 9): ≤ 100 kB gzipped, first chart ≤ 1 s, `posts` of one topic-day ≤ 100 ms.

import { planPosts } from '../lambdas/query/read.ts';
import { parseParams, postsParamsSchema } from '../lambdas/query/params.ts';
import type { Store } from '../lambdas/core/ports.ts';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LOCAL_TABLE, connectStore } from '../lambdas/cli/store-connection.ts';
import { LOCAL_PAGE_DIR, PAGE_FILES } from '../lambdas/http/static-page.ts';
import { startCli } from '../test/helpers/cli.ts';
import { CHROMIUM, serveUrl } from '../test/helpers/browser.ts';
import { buildPage } from '../web/build.ts';
import { campaignConfig, campaignConfigFile, seedCampaign, type CampaignShape } from './dashboard-seed.ts';

const SHAPE: CampaignShape = {
  days: Number(process.env.BENCH_DAYS ?? 30),
  topics: Number(process.env.BENCH_TOPICS ?? 10),
  sources: Number(process.env.BENCH_SOURCES ?? 20),
  postsPerSourceHour: Number(process.env.BENCH_POSTS_PER_SOURCE_HOUR ?? 0.5),
};
const RUNS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function pageWeight(): Promise<void> {
  await buildPage();
  let total = 0;
  for (const { file } of Object.values(PAGE_FILES)) {
    const body = await readFile(join(LOCAL_PAGE_DIR, file));
    const gzipped = gzipSync(body, { level: 9 }).length;
    total += gzipped;
    console.log(`  ${file.padEnd(11)} ${(body.length / 1024).toFixed(1).padStart(6)} kB, ${(gzipped / 1024).toFixed(1).padStart(5)} kB gzipped`);
  }
  console.log(`  page weight: ${(total / 1024).toFixed(1)} kB gzipped (target ≤ 100 kB)`);
}

export async function main(): Promise<void> {
  await pageWeight();
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-dashboard-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'fanpulse.config.json');
  await writeFile(configFile, JSON.stringify(campaignConfigFile(SHAPE)));
  const connection = await connectStore({}, dataDir);
  const seedStart = performance.now();
  const posts = await seedCampaign(connection.store, campaignConfig(SHAPE), SHAPE, new Date());
  console.log(`  store: ${SHAPE.days} days × ${SHAPE.topics} topics × ${SHAPE.sources} sources, ${posts} posts through ingest into the embedded store (table ${LOCAL_TABLE}) in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);
  await postsOfOneTopicDay(connection.store);
  await connection.close();

  const serve = startCli(['serve', '--port', '0', '--data-dir', dataDir, '--config', configFile]);
  const browser = await chromium.launch(CHROMIUM);
  try {
    const url = await serveUrl(serve);
    for (const [view, what] of [['?range=30d&bucket=day', '30 days by day'], ['?range=7d&bucket=hour', '7 days by hour'], ['?range=30d&bucket=hour', '30 days by hour']] as const) {
      const runs: Visit[] = [];
      // A fresh context each run: nothing cached, as a first visit.
      for (let run = 0; run < RUNS; run++) runs.push(await visit(browser, `${url}${view}`));
      // serve keeps /trends answers while the store is unchanged (lambdas/http/answer-cache.ts): the
      // first visit reads the store, the later ones (same hour, same view) are answered from memory.
      // serve reads the page's default view (7 days by hour) once at start: its first visit is answered from memory too.
      const [cold, ...warm] = runs as [Visit, ...Visit[]];
      const first = view === '?range=7d&bucket=hour' ? "answer read at serve's start" : "serve's cache cold";
      const at = (pick: (v: Visit) => number) => median(warm.map(pick)).toFixed(0);
      console.log(
        `  first chart, all topics, ${what}: first visit (${first}) ${cold.chart.toFixed(0)} ms, GET /trends asked at ${cold.trendsAsked.toFixed(0)} ms, answered in ${cold.trendsTook.toFixed(0)} ms; ` +
          `later visits (answer cached in serve) median ${at((v) => v.chart)} ms of ${warm.length} (${warm.map((v) => v.chart.toFixed(0)).join(', ')}), /trends asked at ${at((v) => v.trendsAsked)} ms, answered in ${at((v) => v.trendsTook)} ms; ` +
          `target ≤ 1000 ms; ${(cold.trendsBytes / 1024).toFixed(0)} kB`,
      );
      // Less dependent on what else the machine runs: the page's main-thread CPU up to the first chart (one traced visit).
      console.log(`    page main-thread CPU to the first chart: ${(await mainThreadCpu(browser, `${url}${view}`)).toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    serve.child.kill('SIGTERM');
    await serve.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

interface Visit {
  /** Navigation → the fanpulse:first-chart mark. */
  chart: number;
  /** Navigation → the /trends request's start, and how long it took to its last byte. */
  trendsAsked: number;
  trendsTook: number;
  trendsBytes: number;
}

const FIRST_CHART = 'fanpulse:first-chart';

async function visit(browser: Browser, address: string, beforeLoad?: (page: Page) => Promise<void>): Promise<Visit & { page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await beforeLoad?.(page);
  await page.goto(address);
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_CHART, { timeout: 120_000 });
  const timing = await page.evaluate((mark) => {
    const trends = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => new URL(e.name).pathname.endsWith('/trends'));
    return {
      chart: performance.getEntriesByName(mark)[0]!.startTime,
      trendsAsked: Math.min(...trends.map((e) => e.startTime)),
      trendsTook: Math.max(...trends.map((e) => e.duration)),
      trendsBytes: trends.reduce((sum, e) => sum + e.encodedBodySize, 0),
    };
  }, FIRST_CHART);
  // The other panels' requests finish before the next visit, so they never delay its first chart.
  await page.locator('#updated time').waitFor({ timeout: 120_000 });
  if (!beforeLoad) await context.close();
  return { ...timing, page, close: () => context.close() };
}

/** The renderer main thread's CPU time (trace events' thread durations) from navigation to the first chart. */
async function mainThreadCpu(browser: Browser, address: string): Promise<number> {
  const traced = await visit(browser, address, (page) => browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] }));
  const events = (JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  await traced.close();
  const mark = events.find((e) => e.name === FIRST_CHART)!;
  const main = events.find((e) => e.name === 'thread_name' && e.pid === mark.pid && e.args?.name === 'CrRendererMain')!;
  const start = Math.max(...events.filter((e) => e.pid === mark.pid && e.name === 'navigationStart').map((e) => e.ts));
  const tasks = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.ts >= start && e.ts <= mark.ts);
  return tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  tdur?: number;
  args?: { name?: string };
}

/** `posts` for one topic and one UTC day (yesterday), as the CLI and GET /posts read it: the store's listing, in process. */
async function postsOfOneTopicDay(store: Store): Promise<void> {
  const now = new Date();
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
  const params = parseParams(postsParamsSchema, { topic: 'topic-0', since: dayStart.toISOString(), until: new Date(dayStart.getTime() + 86_400_000).toISOString(), limit: '500', format: 'json' });
  const read = planPosts(campaignConfig(SHAPE), params, now);
  const times: number[] = [];
  const cpu: number[] = [];
  let listed = 0;
  for (let run = 0; run < 5; run++) {
    const [start, cpuStart] = [performance.now(), process.cpuUsage()];
    listed = (await read(store)).posts.length;
    times.push(performance.now() - start);
    // CPU of this process, the embedded store's server included: what the machine's load does not stretch.
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  console.log(
    `  posts of one topic-day (${listed} posts): median ${median(times).toFixed(0)} ms of 5 (${times.map((t) => t.toFixed(0)).join(', ')}) (target ≤ 100 ms); CPU ${median(cpu).toFixed(0)} ms`,
  );
}
