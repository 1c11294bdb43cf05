// Each kind of alert through a whole poll pass: a real feed server, the real fetcher and RSS source,
// dynalite through the AWS SDK, signed webhook channels posting to local servers. One surge hour
// raises one alert of each kind, stored once, each delivered once to exactly the channels that ask
// for its kind and topic; the next pass raises and sends nothing more.

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels } from '../../lambdas/adapters/channels/create-channel.ts';
import { createHttpFetcher } from '../../lambdas/adapters/http-fetcher.ts';
import { createLocalSink } from '../../lambdas/adapters/local-sink.ts';
import { createSource } from '../../lambdas/adapters/sources/create-source.ts';
import { parseConfig } from '../../lambdas/config/load.ts';
import type { Store } from '../../lambdas/core/ports.ts';
import { runPass } from '../../lambdas/core/pipeline.ts';
import type { SpikeAlert } from '../../lambdas/core/types.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { rssFeed } from '../helpers/feed-builder.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { surgeFeedEntries } from '../helpers/surge-feed.ts';

const NOW = new Date('2026-11-20T12:20:00Z');
const H0 = Date.parse('2026-11-20T12:00:00Z');

let server: TestServer;
let dynamo: TestDynamo;
let dir: string;
/** The alert kinds each webhook path received, in order. */
const received = new Map<string, string[]>();

/** Where each channel posts, and which alerts it asks for. */
const CHANNELS = {
  volume: { kinds: ['volume-spike'] },
  negativity: { kinds: ['negativity-surge'] },
  petitionAndNegativity: { kinds: ['petition-spike', 'negativity-surge'] },
  everything: {},
  otherTopic: { topics: ['ballard'] },
} as const;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/fans.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Fans', surgeFeedEntries(H0))));
  server.route('/petition.xml', (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Fans', surgeFeedEntries(H0, { negative: 0, petition: 40 }))),
  );
  for (const name of Object.keys(CHANNELS)) {
    server.route(`/hooks/${name}`, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.set(name, [...(received.get(name) ?? []), (JSON.parse(body) as { alert: SpikeAlert }).alert.kind]);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }
  dynamo = await startTestDynamo();
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-alert-kinds-'));
});

afterAll(async () => {
  await server?.close();
  await dynamo?.close();
});

function setup(feed = '/fans.xml') {
  const config = parseConfig(
    {
      topics: [
        { id: 'show', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] },
        { id: 'ballard', keywords: ['ballard'] },
      ],
      sources: [{ id: 'fans', type: 'rss', url: `${server.url}${feed}`, topics: ['show', 'ballard'] }],
      notify: Object.entries(CHANNELS).map(([name, routing]) => ({
        type: 'webhook',
        id: name.toLowerCase(),
        url: `${server.url}/hooks/${name}`,
        secretEnv: 'HOOK_SECRET',
        ...routing,
      })),
    },
    'test config',
  );
  const channels = createChannels(config.notify, config.poll, { HOOK_SECRET: 'test-secret' }, {});
  const file = join(dir, `alerts${feed.replace(/\W/g, '-')}.jsonl`);
  const sink = createLocalSink({ file, out: new PassThrough() });
  const fetcher = createHttpFetcher({ ...config.poll, timeoutMs: 60_000, sleep: async () => {} });
  const sources = config.sources.map((source) => createSource(source, fetcher));
  const pass = (store: Store, now: Date) => runPass({ config, store, sources, sink, channels, now, log: { info: () => {}, warn: () => {} } });
  const sinkKinds = async () =>
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as SpikeAlert).kind);
  return { pass, sinkKinds };
}

describe('alert kinds through a poll pass', () => {
  it('stores one alert of each kind and delivers each only to the channels asking for it, once', async () => {
    const { store } = await dynamo.newStore();
    const { pass, sinkKinds } = setup();

    const first = await pass(store, NOW);
    // A pass at 12:20 tests every bucket overlapping the last hour (11:00 and 12:00): 10 mentions,
    // 2 + 40 posts; and the last three hours (09:00 to 12:00): 30 of 2 + 2 + 2 + 40 posts negative
    // (hours 1 to 3 before NOW's have no "terrible").
    const expected = [
      { id: 'show#petition-spike#2026-11-20T11:00:00.000Z', kind: 'petition-spike', count: 10 },
      { id: 'show#volume-spike#2026-11-20T11:00:00.000Z', kind: 'volume-spike', count: 42 },
      { id: 'show#negativity-surge#2026-11-20T09:00:00.000Z', kind: 'negativity-surge', count: 30 },
    ];
    expect(first.alertsRaised.map(({ id, kind, count }) => ({ id, kind, count }))).toEqual(expected);
    expect(first.alertsDelivered.map((a) => a.id).sort()).toEqual(expected.map((a) => a.id).sort());
    const negativity = first.alertsRaised.find((a) => a.kind === 'negativity-surge')!;
    // The window's sentiment: 30 negative posts of 46, the other 16 neutral.
    expect([negativity.negative, negativity.positive, negativity.neutral]).toEqual([30, 0, 16]);

    // Fifteen minutes on, every kind is in its cooldown: nothing new is raised or sent.
    const second = await pass(store, new Date(NOW.getTime() + 15 * 60_000));
    expect([second.alertsRaised, second.alertsDelivered, second.alertsPending]).toEqual([[], [], []]);

    const stored = await store.listAlerts('2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z');
    expect(stored.map((a) => a.id).sort()).toEqual(expected.map((a) => a.id).sort());
    expect(stored.every((a) => a.status === 'sent')).toBe(true);

    const sorted = (kinds: readonly string[] | undefined) => [...(kinds ?? [])].sort();
    expect(sorted(received.get('volume'))).toEqual(['volume-spike']);
    expect(sorted(received.get('negativity'))).toEqual(['negativity-surge']);
    expect(sorted(received.get('petitionAndNegativity'))).toEqual(['negativity-surge', 'petition-spike']);
    expect(sorted(received.get('everything'))).toEqual(['negativity-surge', 'petition-spike', 'volume-spike']);
    expect(received.get('otherTopic')).toBeUndefined();
    expect((await sinkKinds()).sort()).toEqual(['negativity-surge', 'petition-spike', 'volume-spike']);
  });

  it('raises a petition wave once: the volume spike it also is, made of petition mentions, is folded into it', async () => {
    const { store } = await dynamo.newStore();
    const { pass, sinkKinds } = setup('/petition.xml');
    const report = await pass(store, NOW);
    // 40 petition mentions of 42 posts in the window: a petition spike, not a second message.
    expect(report.alertsRaised.map(({ kind, count }) => ({ kind, count }))).toEqual([{ kind: 'petition-spike', count: 40 }]);
    expect(await sinkKinds()).toEqual(['petition-spike']);
  });
});
