// What one scheduled poll costs in AWS, measured on the local stack: the poll Lambda exactly as
// `cdk synth` bundles it, run in its own Node process (a cold start, like a Lambda environment),
// over the shipped config's sources served from a local feed server, against dynalite through a
// recording proxy (DynamoDB requests and the capacity units DynamoDB would bill) and fauxqs (SNS).
// Prints the request counts of a first pass, a steady pass and the extra cost of each new post,
// then a monthly estimate at the default settings with AWS's public us-east-1 prices, at list price
// and after the allowances AWS keeps free for every account.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createFanpulseApp } from '../lib/app.ts';
import { SHIPPED_CONFIG } from '../lib/deploy-settings.ts';
import { startDynamoRecorder, summarise, type RecordedCall } from '../test/helpers/dynamo-recorder.ts';
import { startTestDynamo } from '../test/helpers/dynamo.ts';
import { startFauxqsTopic } from '../test/helpers/fauxqs.ts';
import { rssFeed, type FeedEntry } from '../test/helpers/feed-builder.ts';
import { startTestServer } from '../test/helpers/http-server.ts';

const run = promisify(execFile);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Assumptions for the monthly figure (README "Deploy to AWS" → cost). */
const PASSES_PER_MONTH = (30.4 * 24 * 60) / 15;
const NEW_POSTS_PER_DAY = 50;
const ALERTS_PER_MONTH = 10;
const API_REQUESTS_PER_MONTH = 10_000;
const POLL_MEMORY_MB = 512;
/** Lambda gives a function CPU in proportion to memory: 1,769 MB is one vCPU. */
const CPU_SHARE = POLL_MEMORY_MB / 1769;
/** Waiting on the sources over the internet, which the local feed server does not model. */
const NETWORK_WAIT_S = 1.5;

/**
 * us-east-1 list prices (USD) used for the estimate, from the AWS pricing pages (README "What it
 * costs" says which were checked against what); check them before relying on the total.
 */
const PRICE = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoStorageGb: 0.25,
  dynamoPitrGb: 0.2,
  snsPublish: 0.5 / 1e6,
  snsEmail: 2 / 1e5,
  schedulerInvocation: 1 / 1e6,
  httpApiRequest: 1 / 1e6,
  kmsRequest: 0.03 / 1e4,
  alarmMonth: 0.1,
  dashboardMonth: 3,
  logsIngestGb: 0.5,
  logsStorageGbMonth: 0.03,
  logsInsightsScannedGb: 0.005,
};

/**
 * What AWS keeps free for every account, every month, for good (not the 12-month trial: API
 * Gateway's million requests are in that, so they are billed here). DynamoDB's always-free 25 read
 * and write capacity units are for provisioned tables; the table is on-demand, so none apply.
 */
const FREE = {
  lambdaRequests: 1e6,
  lambdaGbSeconds: 400_000,
  schedulerInvocations: 14e6,
  snsPublishes: 1e6,
  snsEmails: 1000,
  kmsRequests: 20_000,
  alarms: 10,
  dashboards: 3,
  /** Logs: ingestion, archive storage and Logs Insights scans together. */
  logsGb: 5,
  dynamoStorageGb: 25,
};
/** Logs Insights runs a month: someone opening the saved queries (or the dashboard's four log widgets) about three times a day. */
const LOG_QUERIES_PER_MONTH = 100;

/** Feeds shaped like the shipped sources: news searches about the show, a Reddit search, general TV news. */
function feedFor(id: string, now: number, extra: FeedEntry[]): string {
  const entries: FeedEntry[] = [];
  const spread = (count: number, days: number, make: (i: number) => Omit<FeedEntry, 'published'>) => {
    for (let i = 0; i < count; i++) entries.push({ ...make(i), published: new Date(now - ((i + 0.5) * days * DAY) / count) });
  };
  if (id === 'google-news-show') spread(100, 30, (i) => ({ title: `Bosch: Legacy season news ${i} - Example News`, link: `https://news.example/show/${i}`, description: 'Titus Welliver as Harry Bosch' }));
  else if (id === 'google-news-petition') spread(100, 30, (i) => ({ title: `Fans petition to save Bosch Legacy ${i}`, link: `https://news.example/petition/${i}`, description: 'change.org petition signatures' }));
  else if (id === 'google-news-ballard') spread(100, 30, (i) => ({ title: `Ballard series: Maggie Q as Renee Ballard ${i}`, link: `https://news.example/ballard/${i}`, description: 'Prime Video' }));
  else if (id === 'reddit-search') spread(25, 7, (i) => ({ title: `Just finished Bosch Legacy, thoughts? ${i}`, link: `https://reddit.example/r/bosch/${i}`, description: 'great show, loved the finale' }));
  else spread(30, 2, (i) => ({ title: i === 0 ? 'Bosch: Legacy cast reunites' : `Unrelated TV story ${id} ${i}`, link: `https://${id}.example/${i}`, description: 'TV news' }));
  return rssFeed(id, [...extra, ...entries]);
}

interface Invocation {
  initMs: number;
  coldWallMs: number;
  coldCpuMs: number;
  warmWallMs: number;
  warmCpuMs: number;
  maxRssMb: number;
  newPosts: number;
  alertsDelivered: number;
  /** Bytes the process wrote to stdout and stderr (the structured logs: what CloudWatch Logs ingests). */
  logBytes: number;
}

/** Runs the bundle in a fresh Node process: a cold start, then a warm invocation. */
async function invokeBundle(bundle: string, env: Record<string, string>, resultFile: string, warm: boolean): Promise<Invocation> {
  const script = `
    import { writeFileSync } from 'node:fs';
    const context = { functionName: 'poll', awsRequestId: 'bench', getRemainingTimeInMillis: () => 300000 };
    const t0 = performance.now();
    const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const initMs = performance.now() - t0;
    const time = async () => {
      const cpu = process.cpuUsage(); const start = performance.now();
      const report = await handler({ source: 'fanpulse.schedule' }, context);
      const used = process.cpuUsage(cpu);
      return { report, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
    };
    const cold = await time();
    const warm = ${warm} ? await time() : cold;
    writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify({
      initMs, coldWallMs: cold.wallMs, coldCpuMs: cold.cpuMs, warmWallMs: warm.wallMs, warmCpuMs: warm.cpuMs,
      maxRssMb: process.resourceUsage().maxRSS / 1024, newPosts: cold.report.newPosts, alertsDelivered: cold.report.alertsDelivered.length,
    }));`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(await readFile(resultFile, 'utf8')) as Omit<Invocation, 'logBytes'>;
  // Powertools writes warnings to stderr: in Lambda both reach the log group.
  const logs = (stdout + stderr).split('\n').filter((line) => line.startsWith('{'));
  return { ...result, logBytes: Buffer.byteLength(logs.join('\n')) / (warm ? 2 : 1) };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const usd = (n: number) => `$${n.toFixed(n < 0.1 ? 3 : 2)}`;

export async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-cost-'));
  const shipped = JSON.parse(await readFile(SHIPPED_CONFIG, 'utf8')) as { sources: { id: string; topics: string[] }[] };
  const now = Date.now();
  const extra = new Map<string, FeedEntry[]>();
  const server = await startTestServer();
  for (const source of shipped.sources) {
    server.route(`/${source.id}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feedFor(source.id, now, extra.get(source.id) ?? [])));
  }
  const dynamo = await startTestDynamo();
  const recorder = await startDynamoRecorder(dynamo.endpoint);
  const sns = await startFauxqsTopic();
  try {
    // The shipped config, its sources served locally.
    const configFile = join(dir, 'fanpulse.config.json');
    // Every source is modelled as a feed of its own (an API source makes about as many requests per pass).
    const asFeeds = shipped.sources.map(({ id, topics }) => ({ id, type: 'rss', topics, url: `${server.url}/${id}.xml` }));
    await writeFile(configFile, JSON.stringify({ ...shipped, sources: asFeeds }));
    const { app, stack } = await createFanpulseApp({ outdir: join(dir, 'cdk.out'), context: { config: configFile, 'aws:cdk:enable-asset-metadata': true } });
    app.synth();
    const template = JSON.parse(await readFile(join(dir, 'cdk.out', `${stack.stackName}.template.json`), 'utf8')) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    const [, poll] = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('PollingFunction'))!;
    const bundleDir = join(dir, 'cdk.out', poll.Metadata!['aws:asset:path']!);

    const { tableName } = await dynamo.newStore();
    const env = {
      FANPULSE_TABLE: tableName,
      FANPULSE_CONFIG_FILE: join(bundleDir, 'fanpulse.config.json'),
      FANPULSE_TOPIC_ARN: sns.topicArn,
      POWERTOOLS_SERVICE_NAME: 'Fanpulse',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      DYNAMODB_ENDPOINT: recorder.endpoint,
      SNS_ENDPOINT: sns.endpoint,
      AWS_REGION: sns.region,
      NODE_OPTIONS: '--enable-source-maps',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const bundle = join(bundleDir, 'index.mjs');
    const pass = async (label: string, warm = false) => {
      recorder.reset();
      const invocation = await invokeBundle(bundle, env, join(dir, `${label}.json`), warm);
      return { label, invocation, calls: [...recorder.calls] };
    };

    const first = await pass('first');
    const steady = await pass('steady', true);
    // Four new posts matching a topic, in three sources, published just now.
    const fresh = (source: string, n: number) => Array.from({ length: n }, (_, i) => ({ title: `Bosch Legacy petition update ${source} ${i}`, link: `https://fresh.example/${source}/${i}`, published: new Date(), description: 'sign the petition' }));
    extra.set('google-news-show', fresh('show', 2));
    extra.set('google-news-petition', fresh('petition', 1));
    extra.set('reddit-search', fresh('reddit', 1));
    const withNew = await pass('new-posts');

    // The steady invocation ran twice (cold, then warm): one pass's worth is half its calls.
    const steadyCalls = steady.calls.slice(0, steady.calls.length / 2);
    const rows = [
      { label: 'first pass (everything new)', calls: first.calls, newPosts: first.invocation.newPosts },
      { label: 'steady pass (nothing new)', calls: steadyCalls, newPosts: 0 },
      { label: 'pass with 4 new posts', calls: withNew.calls, newPosts: withNew.invocation.newPosts },
    ];
    const items = shipped.sources.reduce((n, s) => n + (feedFor(s.id, now, []).match(/<item>/g)?.length ?? 0), 0);
    console.log(`  ${shipped.sources.length} sources (the shipped config's), ${items} feed items per pass; the bundled poll Lambda, one cold process per pass`);
    console.log('  pass                           reads  read units  writes  write units  new posts  by operation');
    for (const { label, calls, newPosts } of rows) {
      const s = summarise(calls);
      const ops = [...s.byOperation].map(([op, v]) => `${op} ${v.requests} (${fmt(v.units, 1)} u)`).join(', ');
      console.log(`  ${label.padEnd(30)} ${String(s.reads.requests).padStart(5)} ${fmt(s.reads.units, 1).padStart(11)} ${String(s.writes.requests).padStart(7)} ${fmt(s.writes.units, 1).padStart(12)} ${String(newPosts).padStart(10)}  ${ops}`);
    }
    const perPost = (pick: (s: ReturnType<typeof summarise>) => number) => (pick(summarise(withNew.calls)) - pick(summarise(steadyCalls))) / Math.max(1, withNew.invocation.newPosts);
    const perPostWrite = perPost((s) => s.writes.units);
    const perPostRead = perPost((s) => s.reads.units);
    console.log(`  each new post adds ${perPostWrite.toFixed(2)} write units and ${perPostRead.toFixed(2)} read units`);
    // Items written for posts and buckets (a BatchWriteItem of n posts is n writes; each bucket or topic-list update one).
    const postAndBucketWrites = (calls: readonly RecordedCall[]) =>
      calls.filter((c) => c.operation === 'BatchWriteItem').reduce((n, c) => n + c.items, 0) + calls.filter((c) => c.operation === 'UpdateItem').length;
    console.log(
      // One bucket update per topic-hour: the first pass's posts are spread over 30 days, so it has
      // many; `npm run bench -- ingest` measures a large ingest against the ≤ 1.1 target.
      `  post and bucket writes: ${postAndBucketWrites(first.calls)} for the first pass's ${first.invocation.newPosts} new posts (${(postAndBucketWrites(first.calls) / Math.max(1, first.invocation.newPosts)).toFixed(2)} a post, one bucket update per topic-hour touched), ` +
        `${postAndBucketWrites(steadyCalls)} on the steady pass (target 0), ${postAndBucketWrites(withNew.calls)} for ${withNew.invocation.newPosts} new posts in one hour`,
    );
    console.log(`  steady pass reads: ${summarise(steadyCalls).reads.units} units for ${shipped.sources.length} sources (target ≤ sources + a small constant)`);
    const inv = steady.invocation;
    console.log(
      `  Lambda: init ${fmt(inv.initMs)} ms; cold pass ${fmt(inv.coldWallMs)} ms wall / ${fmt(inv.coldCpuMs)} ms CPU; warm pass ${fmt(inv.warmWallMs)} ms wall / ${fmt(inv.warmCpuMs)} ms CPU; max RSS ${fmt(inv.maxRssMb)} MB`,
    );
    console.log(`  CloudWatch Logs: ${fmt(inv.logBytes / 1024, 1)} KB per steady pass (structured pass logs), plus Lambda's own START/END/REPORT lines`);
    console.log(`  SNS: ${first.invocation.alertsDelivered + steady.invocation.alertsDelivered + withNew.invocation.alertsDelivered} publishes in the three passes (one per alert)`);

    // The month at default settings.
    const steadySummary = summarise(steadyCalls);
    const newPostsPerMonth = NEW_POSTS_PER_DAY * 30.4;
    const writeUnits = PASSES_PER_MONTH * steadySummary.writes.units + newPostsPerMonth * perPostWrite;
    const readUnits = PASSES_PER_MONTH * steadySummary.reads.units + newPostsPerMonth * perPostRead;
    // Lambda bills init + handler; at 512 MB it has ~0.29 of a vCPU, so local CPU time stretches.
    const billedSeconds = (inv.initMs + inv.coldCpuMs) / 1000 / CPU_SHARE + NETWORK_WAIT_S;
    const gbSeconds = PASSES_PER_MONTH * billedSeconds * (POLL_MEMORY_MB / 1024);
    const queryGbSeconds = API_REQUESTS_PER_MONTH * 0.3 * 0.25;
    const storedGb = (NEW_POSTS_PER_DAY * 90 * 1.2 + 2 * 24 * 365 * 1.5) / 1024 / 1024;
    // Logs: the pass's structured lines plus Lambda's own START/END/REPORT lines (about 1 KB).
    const logGbPerMonth = (PASSES_PER_MONTH * (inv.logBytes + 1024)) / 1024 ** 3;
    // A query scans the month's poll logs (the retention is one month).
    const scannedGb = LOG_QUERIES_PER_MONTH * logGbPerMonth;
    const alarms = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length;
    const kmsKeys = Object.values(template.Resources).filter((r) => r.Type === 'AWS::KMS::Key').length;
    const snsPublishes = ALERTS_PER_MONTH;
    // SNS asks KMS for a data key per publish to the aws/sns-encrypted alert topic (at most).
    const kmsRequests = ALERTS_PER_MONTH;
    const beyond = (used: number, free: number) => Math.max(0, used - free);
    const lines: { what: string; list: number; afterFree: number; basis: string }[] = [
      {
        what: 'Lambda (poll, arm64 512 MB)',
        list: gbSeconds * PRICE.lambdaGbSecondArm + PASSES_PER_MONTH * PRICE.lambdaRequest,
        // The free GB-seconds and requests are shared by both functions.
        afterFree: beyond(gbSeconds + queryGbSeconds, FREE.lambdaGbSeconds) * PRICE.lambdaGbSecondArm + beyond(PASSES_PER_MONTH + API_REQUESTS_PER_MONTH, FREE.lambdaRequests) * PRICE.lambdaRequest,
        basis: `${fmt(PASSES_PER_MONTH)} passes × ${billedSeconds.toFixed(1)} s billed = ${fmt(gbSeconds)} GB-s`,
      },
      {
        what: 'Lambda (query)',
        list: queryGbSeconds * PRICE.lambdaGbSecondArm + API_REQUESTS_PER_MONTH * PRICE.lambdaRequest,
        afterFree: 0, // within the free allowance both functions share (counted on the poll's line)
        basis: `${fmt(API_REQUESTS_PER_MONTH)} API calls × 0.3 s × 256 MB`,
      },
      {
        what: 'DynamoDB requests',
        list: writeUnits * PRICE.dynamoWriteUnit + readUnits * PRICE.dynamoReadUnit,
        afterFree: writeUnits * PRICE.dynamoWriteUnit + readUnits * PRICE.dynamoReadUnit,
        basis: `${fmt(writeUnits)} write units + ${fmt(readUnits)} read units (on-demand: no free allowance)`,
      },
      {
        what: 'DynamoDB storage + PITR',
        list: storedGb * (PRICE.dynamoStorageGb + PRICE.dynamoPitrGb),
        // 25 GB of storage are free; point-in-time recovery is not.
        afterFree: beyond(storedGb, FREE.dynamoStorageGb) * PRICE.dynamoStorageGb + storedGb * PRICE.dynamoPitrGb,
        basis: `~${(storedGb * 1024).toFixed(1)} MB (90 days of posts, a year of trends)`,
      },
      {
        what: 'EventBridge Scheduler',
        list: PASSES_PER_MONTH * PRICE.schedulerInvocation,
        afterFree: beyond(PASSES_PER_MONTH, FREE.schedulerInvocations) * PRICE.schedulerInvocation,
        basis: `${fmt(PASSES_PER_MONTH)} invocations`,
      },
      {
        what: 'SNS (+ KMS requests, aws/sns)',
        list: snsPublishes * (PRICE.snsPublish + PRICE.snsEmail) + kmsRequests * PRICE.kmsRequest,
        afterFree: beyond(snsPublishes, FREE.snsPublishes) * PRICE.snsPublish + beyond(snsPublishes, FREE.snsEmails) * PRICE.snsEmail + beyond(kmsRequests, FREE.kmsRequests) * PRICE.kmsRequest,
        basis: `${ALERTS_PER_MONTH} alerts (publish + e-mail); the AWS managed key has no monthly fee`,
      },
      {
        what: 'API Gateway HTTP API',
        list: API_REQUESTS_PER_MONTH * PRICE.httpApiRequest,
        afterFree: API_REQUESTS_PER_MONTH * PRICE.httpApiRequest,
        basis: `${fmt(API_REQUESTS_PER_MONTH)} requests (its free million is 12-month trial only)`,
      },
      {
        what: 'KMS keys',
        list: kmsKeys,
        afterFree: kmsKeys,
        basis: `${kmsKeys} customer managed key${kmsKeys === 1 ? '' : 's'} in the template ($1 a key-month)`,
      },
      { what: 'CloudWatch custom metrics', list: 0, afterFree: 0, basis: 'none published (structured pass logs instead)' },
      {
        what: 'CloudWatch alarms',
        list: alarms * PRICE.alarmMonth,
        afterFree: beyond(alarms, FREE.alarms) * PRICE.alarmMonth,
        basis: `${alarms} standard alarms on AWS's own metrics`,
      },
      {
        what: 'CloudWatch Logs + Insights',
        list: logGbPerMonth * (PRICE.logsIngestGb + PRICE.logsStorageGbMonth) + scannedGb * PRICE.logsInsightsScannedGb,
        afterFree: beyond(logGbPerMonth * 2 + scannedGb, FREE.logsGb) * PRICE.logsIngestGb,
        basis: `${fmt((inv.logBytes + 1024) / 1024, 1)} KB a pass; ${LOG_QUERIES_PER_MONTH} queries a month over it`,
      },
    ];
    console.log('\n  month at default settings (us-east-1 list prices)      list  after always-free');
    for (const { what, list, afterFree, basis } of lines) console.log(`  ${what.padEnd(32)} ${usd(list).padStart(7)} ${usd(afterFree).padStart(8)}  ${basis}`);
    const sum = (pick: (line: (typeof lines)[number]) => number) => lines.reduce((total, line) => total + pick(line), 0);
    console.log(`  ${'total'.padEnd(32)} ${usd(sum((l) => l.list)).padStart(7)} ${usd(sum((l) => l.afterFree)).padStart(8)}  (targets: ≤ $2.00 list, ≤ $0.50 after always-free)`);
    console.log(
      `  optional: a CloudWatch dashboard (-c dashboard=true) adds ${usd(PRICE.dashboardMonth)} list, ${usd(0)} within the account's ${FREE.dashboards} free dashboards; ` +
        'the credentials secret adds $0.40 and $0.05 per 10,000 reads (≤ one per cold start)',
    );
  } finally {
    await Promise.all([server.close(), recorder.close(), sns.close()]);
    await dynamo.close();
    await rm(dir, { recursive: true, force: true });
  }
}

