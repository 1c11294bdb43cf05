// Per-channel delivery through runPass, the real dynalite store and real channels posting to local
// servers: each channel gets each alert once; a 429 defers only that channel; a 404 retires a
// channel while the others are delivered; and after a crash at any store call or right after any
// send, a re-run leaves every channel with the alert exactly once, or twice when the crash fell
// between that channel accepting it and the store recording it (nothing can ask a webhook whether
// it already has the message; see lambdas/core/deliver.ts).

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels } from '../../lambdas/adapters/channels/create-channel.ts';
import { createLocalSink } from '../../lambdas/adapters/local-sink.ts';
import { parseConfig } from '../../lambdas/config/load.ts';
import type { AlertChannel, Store } from '../../lambdas/core/ports.ts';
import { PASS_LEASE_MS, runPass } from '../../lambdas/core/pipeline.ts';
import { sampleAlert } from '../helpers/alerts.ts';
import { crashingStore, dyingAfterSend } from '../helpers/crashes.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const NOW = new Date('2025-03-27T15:05:00.000Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const alert = sampleAlert();

let server: TestServer;
let dynamo: TestDynamo;
let dir: string;
/** Requests each path received, in order. */
const received = new Map<string, number>();
/** What each path answers next: a list consumed in order, the last repeated. */
const script = new Map<string, [number, Record<string, string>, string][]>();

beforeAll(async () => {
  server = await startTestServer();
  dynamo = await startTestDynamo();
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-channels-'));
});
afterAll(async () => {
  await server.close();
  await dynamo.close();
});

let paths = 0;
/** A fresh webhook path answering with `answers` in turn. */
function webhook(answers: [number, Record<string, string>, string][]): string {
  const path = `/api/webhooks/${paths++}/token`;
  script.set(path, [...answers]);
  server.route(path, (req, res) => {
    req.resume();
    req.on('end', () => {
      received.set(path, (received.get(path) ?? 0) + 1);
      const list = script.get(path)!;
      const [status, headers, body] = list.length > 1 ? list.shift()! : list[0]!;
      res.writeHead(status, headers).end(body);
    });
  });
  return path;
}

const OK_DISCORD: [number, Record<string, string>, string] = [204, {}, ''];
const OK_SLACK: [number, Record<string, string>, string] = [200, { 'content-type': 'text/html' }, 'ok'];

function setup(paths: { discord: string; slack: string }) {
  const config = parseConfig(
    {
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'] }],
      sources: [{ id: 'unused', type: 'rss', url: `${server.url}/unused`, topics: ['bosch-legacy'] }],
      notify: [
        { type: 'discord', secretEnv: 'DISCORD_URL' },
        { type: 'slack', secretEnv: 'SLACK_URL' },
      ],
    },
    'test',
  );
  const channels = createChannels(config.notify, config.poll, { DISCORD_URL: `${server.url}${paths.discord}`, SLACK_URL: `${server.url}${paths.slack}` }, {});
  const file = join(dir, `sink-${paths.discord.split('/')[3]}.jsonl`);
  const sink = createLocalSink({ file, out: new PassThrough() });
  const sinkLines = async () => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  // No sources: the pass goes straight to delivering what the store holds as pending.
  const pass = (store: Store, now: Date, withChannels: readonly AlertChannel[] = channels) =>
    runPass({ config: { ...config, sources: [] }, store, sources: [], sink, channels: withChannels, now, log: { info: () => {}, warn: () => {} } });
  return { channels, pass, sinkLines };
}

async function storeWithAlert(): Promise<{ store: Store; tableName: string }> {
  const created = await dynamo.newStore();
  expect(await created.store.claimAlert(alert, later(12 * 60).toISOString())).toBe(true);
  return created;
}

describe('delivery per channel', () => {
  it('defers only the channel that answered 429 until its wait is over, then sends it there once', async () => {
    const discord = webhook([OK_DISCORD]);
    const slack = webhook([[429, { 'retry-after': '1200', 'content-type': 'text/html' }, 'rate_limited'], OK_SLACK]);
    const { pass, sinkLines } = setup({ discord, slack });
    const { store } = await storeWithAlert();

    const first = await pass(store, NOW);
    expect([first.alertsDelivered.length, first.alertsPending.length]).toEqual([0, 1]);
    // 15 minutes on, Slack's 20-minute wait is not over: nothing is sent anywhere.
    const second = await pass(store, later(15));
    expect(second.alertsPending).toHaveLength(1);
    const third = await pass(store, later(30));
    expect(third.alertsDelivered.map((a) => a.id)).toEqual([alert.id]);
    await pass(store, later(45));
    expect([received.get(discord), received.get(slack), await sinkLines()]).toEqual([1, 2, 1]);
    expect((await store.channelDeliveries(alert.id)).get('slack:slack_url')).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('marks a channel whose webhook answers 404 dead, delivers the others, and stops using it', async () => {
    const discord = webhook([[404, { 'content-type': 'application/json' }, '{"message":"Unknown Webhook","code":10015}']]);
    const slack = webhook([OK_SLACK]);
    const { pass, sinkLines } = setup({ discord, slack });
    const { store } = await storeWithAlert();

    const first = await pass(store, NOW);
    expect(first.alertsDelivered.map((a) => a.id)).toEqual([alert.id]);
    expect(await store.deadChannels()).toEqual(new Map([['discord:discord_url', expect.objectContaining({ channel: 'discord:discord_url', reason: expect.stringContaining('Unknown Webhook') })]]));
    // The next spike: Discord is not asked again, Slack and the sink get it.
    const next = sampleAlert({ id: 'bosch-legacy#petition-spike#2025-03-28T14:00:00.000Z', windowStart: '2025-03-28T14:00:00.000Z', windowEnd: '2025-03-28T15:00:00.000Z', detectedAt: later(24 * 60).toISOString() });
    expect(await store.claimAlert(next, later(36 * 60).toISOString())).toBe(true);
    await pass(store, later(24 * 60 + 1));
    expect([received.get(discord), received.get(slack), await sinkLines()]).toEqual([1, 2, 2]);
  });

  it('keeps a channel down for three passes pending, and delivers once when it returns', async () => {
    const down: [number, Record<string, string>, string] = [500, {}, 'down'];
    const discord = webhook([down, down, down, OK_DISCORD]);
    const slack = webhook([OK_SLACK]);
    const { pass } = setup({ discord, slack });
    const { store } = await storeWithAlert();
    for (let i = 0; i < 3; i++) expect((await pass(store, later(15 * i))).alertsPending).toHaveLength(1);
    expect((await pass(store, later(45))).alertsDelivered).toHaveLength(1);
    await pass(store, later(60));
    expect([received.get(discord), received.get(slack)]).toEqual([4, 1]);
  });
});

describe('delivery after a crash', () => {
  it('leaves every channel with the alert once, or twice only where the crash followed its send', { timeout: 300_000 }, async () => {
    // Count the store calls and sends of one clean delivery pass.
    const discord0 = webhook([OK_DISCORD]);
    const clean = setup({ discord: discord0, slack: webhook([OK_SLACK]) });
    const counting = crashingStore((await storeWithAlert()).store, Number.POSITIVE_INFINITY);
    await clean.pass(counting.store, NOW);
    const totalCalls = counting.calls();
    expect(totalCalls).toBeGreaterThan(5);
    expect(received.get(discord0)).toBe(1);

    const cases = [
      ...Array.from({ length: totalCalls }, (_, i) => ({ crashAfter: i + 1, crashAfterSend: 0 })),
      // Two channels: Discord then Slack (the sink is delivered first and writes its own file).
      ...[1, 2].map((n) => ({ crashAfter: Number.POSITIVE_INFINITY, crashAfterSend: n })),
    ];
    for (const { crashAfter, crashAfterSend } of cases) {
      const discord = webhook([OK_DISCORD]);
      const slack = webhook([OK_SLACK]);
      const { channels, pass, sinkLines } = setup({ discord, slack });
      const { store, tableName } = await storeWithAlert();
      const crashing = crashingStore(store, crashAfter);
      const outcome = await pass(crashing.store, NOW, dyingAfterSend(channels, crashAfterSend, crashing.die)).then(
        () => 'completed',
        () => 'crashed',
      );
      const label = `crash after store call ${crashAfter}, send ${crashAfterSend}`;
      // Only a crash on the last call (releasing the pass lock) lets the pass finish.
      expect(outcome, label).toBe(crashAfter === totalCalls ? 'completed' : 'crashed');
      const { store: rerun } = await dynamo.newStore({ tableName });
      await pass(rerun, new Date(NOW.getTime() + PASS_LEASE_MS));
      await pass(rerun, new Date(NOW.getTime() + 2 * PASS_LEASE_MS));
      const counts = [received.get(discord) ?? 0, received.get(slack) ?? 0, await sinkLines()];
      for (const count of counts) {
        expect(count, label).toBeGreaterThanOrEqual(1);
        expect(count, label).toBeLessThanOrEqual(2);
      }
      // A duplicate only where a send was the crash point: the channel accepted it, the store never heard.
      if (crashAfterSend === 0) expect(counts.filter((c) => c === 2).length, label).toBeLessThanOrEqual(1);
      else expect(counts[crashAfterSend - 1], label).toBe(2);
      expect((await rerun.listAlerts('2025-03-27T00:00:00.000Z', '2025-03-28T00:00:00.000Z')).map((a) => a.status), label).toEqual(['sent']);
    }
  });
});
