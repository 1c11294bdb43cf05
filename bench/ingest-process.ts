// Ingest as a user runs it: `fanpulse poll --once` in its own process (start, embedded store on
// disk, fetch, parse, store, detect, exit) over local feeds, against the store's floor: the very
// post items that poll stored, read back and written with BatchWriteItem (25 a time) to a fresh
// embedded store on disk, by the project's document client, in a process of its own
// (bench/floor-writer.ts). Alternating runs, medians, in one run of the bench.
//
// The floor is reported two ways. The target is against the writes alone (the store started and
// its table made before the clock starts), as the issue states it: everything poll does besides
// those writes, its own start and the store's start included, counts against it. The floor's whole
// process (node, the SDK and dynalite loaded, the store opened, the writes, the exit) is printed
// beside it, so a reader sees how much of the gap is a process start any command pays.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { createDocumentClient } from '../lambdas/adapters/dynamo-client.ts';
import { startDynalite } from '../lambdas/adapters/local-dynamo.ts';
import { LOCAL_TABLE } from '../lambdas/cli/store-connection.ts';
import { startTestServer } from '../test/helpers/http-server.ts';
import { encodeItems, type FloorTimes } from './floor-writer.ts';
import { builtCli, median, timeProcess, type ProcessRun } from './process-runs.ts';

const TARGET_RATIO = 1.3;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FLOOR_WRITER = join(process.cwd(), 'dist', 'bench', 'floor-writer.mjs');

/** Every item of the table whose partition key starts with `prefix`. */
async function scanItems(endpoint: string, prefix: string): Promise<Record<string, unknown>[]> {
  const client = createDocumentClient({ endpoint });
  const items: Record<string, unknown>[] = [];
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: LOCAL_TABLE, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).filter((item) => String(item.pk).startsWith(prefix)));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return items;
}

/** The floor's process as plain JavaScript, as the CLI is built: no TypeScript compiled at its start. */
async function buildFloorWriter(): Promise<void> {
  await build({
    entryPoints: [join(process.cwd(), 'bench', 'floor-writer.ts')],
    outfile: FLOOR_WRITER,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    logLevel: 'warning',
  });
}

const fmt = (run: { ms: number; cpuMs: number | null }) => `${run.ms.toFixed(0)} ms${run.cpuMs === null ? '' : ` (CPU ${run.cpuMs.toFixed(0)} ms)`}`;
const ratio = (a: number | null, b: number | null) => (a === null || b === null ? '–' : `${(a / b).toFixed(2)}×`);
const medianOf = (runs: readonly { ms: number; cpuMs: number | null }[]) => ({
  ms: median(runs.map((r) => r.ms)),
  cpuMs: runs.some((r) => r.cpuMs === null) ? null : median(runs.map((r) => r.cpuMs!)),
});

/** `bodies` are the feeds' documents; `topics` the config's topics; `now` the pass's clock. */
export async function measureProcessIngest(bodies: readonly string[], topics: unknown[], now: Date): Promise<void> {
  const cli = await builtCli();
  await buildFloorWriter();
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-ingest-process-'));
  const feeds = await startTestServer();
  bodies.forEach((body, f) => feeds.route(`/feed-${f}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body)));
  try {
    const config = join(dir, 'fanpulse.config.json');
    await writeFile(
      config,
      JSON.stringify({
        topics,
        sources: bodies.map((_, f) => ({ id: `forum-${f}`, type: 'rss', url: `${feeds.url}/feed-${f}.xml`, topics: ['bosch-legacy'] })),
        poll: { maxBytes: 50_000_000, timeoutMs: 60_000, perHostConcurrency: 8 },
      }),
    );
    const env = { ...process.env, DYNAMODB_ENDPOINT: undefined, FANPULSE_TABLE: undefined };
    const load = loadavg()[0]!;
    const polls: ProcessRun[] = [];
    const floors: { whole: ProcessRun; times: FloorTimes }[] = [];
    let posts = 0;
    for (let run = 0; run < RUNS; run++) {
      const dataDir = join(dir, `poll-${run}`);
      const poll = await timeProcess(process.execPath, [cli, 'poll', '--once', '--config', config, '--data-dir', dataDir, '--now', now.toISOString()], { cwd: dir, env });
      if (poll.status !== 0) throw new Error(`poll --once exited with ${poll.status}: ${poll.stderr}`);
      polls.push(poll);

      // The floor writes exactly what this poll stored.
      const stored = await startDynalite(join(dataDir, 'db'));
      const items = await scanItems(stored.endpoint, 'POST#').finally(() => stored.close());
      posts = items.length;
      const itemsFile = join(dir, `items-${run}.json`);
      const timesFile = join(dir, `floor-${run}.json`);
      await writeFile(itemsFile, encodeItems(items));
      const whole = await timeProcess(process.execPath, [FLOOR_WRITER, itemsFile, join(dir, `floor-${run}`), timesFile], { cwd: dir, env });
      if (whole.status !== 0) throw new Error(`the floor's process exited with ${whole.status}: ${whole.stderr}`);
      floors.push({ whole, times: JSON.parse(await readFile(timesFile, 'utf8')) as FloorTimes });
    }

    const poll = medianOf(polls.map((p) => ({ ms: p.wallMs, cpuMs: p.cpuMs })));
    const writes = medianOf(floors.map((f) => ({ ms: f.times.writeMs, cpuMs: f.times.writeCpuMs })));
    const whole = medianOf(floors.map((f) => ({ ms: f.whole.wallMs, cpuMs: f.whole.cpuMs })));
    const met = poll.ms / writes.ms <= TARGET_RATIO;
    console.log(`\n  whole process, as a user runs it (node ${cli.replace(`${process.cwd()}/`, '')} poll --once), ${posts} posts stored;`);
    console.log(`  medians of ${RUNS} alternating runs, load average ${load.toFixed(2)} at the start (wall times are noisy on a shared machine, CPU less so):`);
    console.log(`  store floor, BatchWriteItem of those ${posts} post items on the embedded store on disk:`);
    console.log(`    the writes alone (store open, table made):       ${fmt(writes)}`);
    console.log(`    its whole process (start, open, write, exit):    ${fmt(whole)}`);
    console.log(`  fanpulse poll --once, whole process:               ${fmt(poll)}`);
    console.log(`  poll --once / the writes alone:                    ${ratio(poll.ms, writes.ms)} wall, ${ratio(poll.cpuMs, writes.cpuMs)} CPU  (target ≤ ${TARGET_RATIO}× wall: ${met ? 'met' : 'NOT met'})`);
    console.log(`  poll --once / the floor's whole process:           ${ratio(poll.ms, whole.ms)} wall, ${ratio(poll.cpuMs, whole.cpuMs)} CPU`);
  } finally {
    await feeds.close();
    await rm(dir, { recursive: true, force: true });
  }
}
