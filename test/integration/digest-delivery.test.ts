// The daily digest through runPass, the real dynalite store, the local sink and real channels
// posting to local servers that answer as Discord, Slack and Telegram document (see
// test/fixtures/channels/README.md): it goes out at 09:00 in the campaign's zone, only to the
// channels that ask for it (and the e-mail/sink), once per channel per topic-day, and after a crash
// at any store call or right after any send, a re-run leaves each channel with it once, or twice
// where the crash fell between that channel accepting it and the store recording it.
//
// The campaign is in America/Los_Angeles and the day is 2026-11-01, the day DST ended: 25 hours,
// 2026-11-01T07:00Z to 2026-11-02T08:00Z. Its digest is due from 2026-11-02 09:00 PST = 17:00Z.

import { mkdtemp, readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels } from '../../lambdas/adapters/channels/create-channel.ts';
import { createLocalSink } from '../../lambdas/adapters/local-sink.ts';
import { parseConfig } from '../../lambdas/config/load.ts';
import type { AlertChannel, Store } from '../../lambdas/core/ports.ts';
import { PASS_LEASE_MS, runPass } from '../../lambdas/core/pipeline.ts';
import { crashingStore, dyingAfterSend } from '../helpers/crashes.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamo.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { scoredPost } from '../helpers/posts.ts';

const DIGEST_ID = 'bosch-legacy#daily-digest#2026-11-01';
const SUBJECT = 'fanpulse daily digest: "Bosch: Legacy" 2026-11-01 - 2 posts, 1 petition mentions';
const at = (iso: string) => new Date(iso);

let server: TestServer;
let dynamo: TestDynamo;
let dir: string;
let paths = 0;
const bodies = new Map<string, unknown[]>();

beforeAll(async () => {
  server = await startTestServer();
  dynamo = await startTestDynamo();
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-digest-'));
});
afterAll(async () => {
  await server.close();
  await dynamo.close();
});

type Answer = [number, Record<string, string>, string];
const DISCORD_OK: Answer = [204, {}, ''];
const SLACK_OK: Answer = [200, { 'content-type': 'text/html' }, 'ok'];
const TELEGRAM_OK: Answer = [200, { 'content-type': 'application/json' }, JSON.stringify({ ok: true, result: { message_id: 7, date: 1, chat: { id: -1001234567890, type: 'supergroup' }, text: '…' } })];
const TELEGRAM_429: Answer = [429, { 'content-type': 'application/json' }, JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 600', parameters: { retry_after: 600 } })];

const readJson = (req: IncomingMessage) =>
  new Promise<unknown>((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => resolve(JSON.parse(text)));
  });

/** Routes `path` answering with `answers` in turn (the last repeated), keeping the JSON bodies it receives. */
function endpoint(path: string, answers: Answer[]): string {
  const list = [...answers];
  bodies.set(path, []);
  server.route(path, async (req, res) => {
    bodies.get(path)!.push(await readJson(req));
    const [status, headers, body] = list.length > 1 ? list.shift()! : list[0]!;
    res.writeHead(status, headers).end(body);
  });
  return path;
}

/** A campaign with three channels on fresh local endpoints, its sink file, and a pass that fetches nothing (its source is never polled). */
async function wired(answers: { discord?: Answer[]; slack?: Answer[]; telegram?: Answer[] } = {}) {
  const n = paths++;
  const discord = endpoint(`/api/webhooks/${n}/token`, answers.discord ?? [DISCORD_OK]);
  const slack = endpoint(`/services/T0/B${n}/x`, answers.slack ?? [SLACK_OK]);
  const token = `123:abc${n}`;
  const telegram = endpoint(`/bot${token}/sendMessage`, answers.telegram ?? [TELEGRAM_OK]);
  const config = parseConfig(
    {
      topics: [{ id: 'bosch-legacy', name: 'Bosch: Legacy', keywords: ['bosch legacy'], petitionKeywords: ['petition'] }],
      sources: [{ id: 'fans', type: 'rss', url: `${server.url}/unused`, topics: ['bosch-legacy'] }],
      digest: { hour: 9, timeZone: 'America/Los_Angeles' },
      notify: [
        { type: 'discord', secretEnv: 'DISCORD_URL', kinds: ['petition-spike', 'digest'] },
        { type: 'slack', secretEnv: 'SLACK_URL' },
        { type: 'telegram', secretEnv: 'TELEGRAM_TOKEN', chatId: -1001234567890, baseUrl: server.url, kinds: ['digest'] },
      ],
    },
    'test',
  );
  const channels = createChannels(config.notify, config.poll, { DISCORD_URL: `${server.url}${discord}`, SLACK_URL: `${server.url}${slack}`, TELEGRAM_TOKEN: token }, {});
  const file = join(dir, `sink-${n}.jsonl`);
  const sink = createLocalSink({ file, out: new PassThrough() });
  const sinkDigests = async () =>
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type?: string; id: string; subject: string });
  const pass = (store: Store, now: Date, withChannels: readonly AlertChannel[] = channels) =>
    runPass({ config, store, sources: [], sink, channels: withChannels, now, log: { info: () => {}, warn: () => {} } });
  const sent = (path: string) => bodies.get(path)!.length;
  return { config, discord, slack, telegram, channels, pass, sinkDigests, sent };
}

/** The day's posts (two, one a petition mention) and one of the week before, counted as a pass stores them. */
async function storeWithPosts(): Promise<{ store: Store; tableName: string }> {
  const created = await dynamo.newStore();
  const topic = (petition: boolean) => [{ topicId: 'bosch-legacy', petition }];
  await created.store.ingest(
    [
      // 01:30 PDT on 2026-11-01.
      scoredPost({ key: 'petition', sourceId: 'fans', title: 'Sign the <petition> & share', link: 'https://change.org/p/bosch?a=1&b=2', label: 'positive', topics: topic(true), published: '2026-11-01T08:30:00.000Z', bucketStart: '2026-11-01T08:00:00.000Z' }),
      // 23:30 PST on 2026-11-01: the 25th hour still counts for the day.
      scoredPost({ key: 'angry', sourceId: 'fans', title: 'Still angry about the cancellation', link: 'https://fans.example/angry', label: 'negative', topics: topic(false), published: '2026-11-02T07:30:00.000Z', bucketStart: '2026-11-02T07:00:00.000Z' }),
      // 00:30 PST on 2026-11-02: the next day.
      scoredPost({ key: 'today', sourceId: 'fans', topics: topic(true), published: '2026-11-02T08:30:00.000Z', bucketStart: '2026-11-02T08:00:00.000Z' }),
      // In the 7 days before.
      scoredPost({ key: 'before', sourceId: 'fans', topics: topic(false), published: '2026-10-30T12:00:00.000Z', bucketStart: '2026-10-30T12:00:00.000Z' }),
    ],
    { now: at('2026-11-02T09:00:00Z'), retentionDays: 90 },
  );
  return created;
}

describe('the daily digest', () => {
  it('goes out at 09:00 campaign time to the channels that ask for it and the sink, once per topic-day', async () => {
    const d = await wired();
    const { store } = await storeWithPosts();

    // 08:59 PST: not yet.
    expect((await d.pass(store, at('2026-11-02T16:59:00Z'))).digestsSent).toEqual([]);
    expect([d.sent(d.discord), d.sent(d.slack), d.sent(d.telegram), (await d.sinkDigests()).length]).toEqual([0, 0, 0, 0]);

    expect((await d.pass(store, at('2026-11-02T17:05:00Z'))).digestsSent).toEqual([DIGEST_ID]);
    // Later passes that day send nothing again.
    expect((await d.pass(store, at('2026-11-02T17:20:00Z'))).digestsSent).toEqual([]);
    await d.pass(store, at('2026-11-03T07:50:00Z'));
    // Slack has no "kinds": every alert, but no daily post it did not ask for.
    expect([d.sent(d.discord), d.sent(d.slack), d.sent(d.telegram)]).toEqual([1, 0, 1]);
    expect((await d.sinkDigests()).map((l) => [l.type, l.id, l.subject])).toEqual([['digest', DIGEST_ID, SUBJECT]]);
    expect([...(await store.channelDeliveries(DIGEST_ID)).values()].map((r) => [r.channel, r.status]).sort()).toEqual([
      ['discord:discord_url', 'sent'],
      ['sink', 'sent'],
      ['telegram:telegram_token', 'sent'],
    ]);

    // Discord: one embed, the numbers as fields (2 posts against 1 in 7 days = 0.14 a day).
    const discord = bodies.get(d.discord)![0] as { allowed_mentions: unknown; embeds: { title: string; description: string; fields: { name: string; value: string }[]; footer: { text: string } }[] };
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    const [embed] = discord.embeds;
    expect(embed!.title).toBe(SUBJECT);
    expect(embed!.description).toBe('Daily digest for "Bosch: Legacy" \\(bosch\\-legacy\\): Sunday 2026\\-11\\-01 \\(America/Los\\_Angeles\\)');
    const field = (name: string) => embed!.fields.find((f) => f.name === name)?.value;
    expect(field('Posts')).toBe('2 (usual 0.1, +1300%)');
    expect(field('Petition mentions')).toBe('1 (usual 0)');
    expect(field('Sentiment')).toBe('0.00 mean (usual 0.00); 1 positive, 1 negative, 0 neutral');
    expect(field('Top posts')).toBe(
      '1. [Sign the \\<petition\\> & share \\[petition, sentiment +2.00, fans\\]](https://change.org/p/bosch?a=1&b=2)\n' +
        '2. [Still angry about the cancellation \\[sentiment \\-2.00, fans\\]](https://fans.example/angry)',
    );
    expect(field('Alerts')).toBe('No alerts.');
    expect(field('Sources needing attention')).toBe('1. fans \\(rss\\): never\\-polled');
    expect(embed!.footer.text).toBe(`fanpulse digest ${DIGEST_ID}`);

    // Telegram: sendMessage with HTML, the post title escaped, the link's & as &amp;.
    const telegram = bodies.get(d.telegram)![0] as { chat_id: number; parse_mode: string; text: string; link_preview_options: unknown };
    expect(telegram).toMatchObject({ chat_id: -1001234567890, parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    expect(telegram.text.split('\n')[0]).toBe(`<b>${SUBJECT}</b>`);
    expect(telegram.text).toContain('Posts: 2 (usual 0.1, +1300%)');
    expect(telegram.text).toContain('1. <a href="https://change.org/p/bosch?a=1&amp;b=2">Sign the &lt;petition&gt; &amp; share [petition, sentiment +2.00, fans]</a>');
  });

  it('sends it to Slack when Slack asks for "digest", as blocks', async () => {
    const d = await wired();
    const config = parseConfig({ ...JSON.parse(JSON.stringify(d.config)), notify: [{ type: 'slack', secretEnv: 'SLACK_URL', kinds: ['digest'] }] }, 'test');
    const [slack] = createChannels(config.notify, config.poll, { SLACK_URL: `${server.url}${d.slack}` }, {});
    const { store } = await storeWithPosts();
    await d.pass(store, at('2026-11-02T17:05:00Z'), [slack!]);
    const body = bodies.get(d.slack)![0] as { text: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[] };
    expect(body.text).toBe(SUBJECT);
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: SUBJECT } });
    expect(body.blocks[2]!.fields![0]!.text).toBe('*Posts*\n2 (usual 0.1, +1300%)');
    expect(body.blocks[3]!.text!.text).toBe(
      '*Top posts*\n1. <https://change.org/p/bosch?a=1&b=2|Sign the &lt;petition&gt; &amp; share [petition, sentiment +2.00, fans]>\n' +
        '2. <https://fans.example/angry|Still angry about the cancellation [sentiment -2.00, fans]>',
    );
  });

  it("retries a channel that answered 429 after its wait, the same day, without resending to the others", async () => {
    const d = await wired({ telegram: [TELEGRAM_429, TELEGRAM_OK] });
    const { store } = await storeWithPosts();
    expect((await d.pass(store, at('2026-11-02T17:05:00Z'))).digestsPending).toEqual([DIGEST_ID]);
    // Telegram asked for 10 minutes: not before 17:15.
    await d.pass(store, at('2026-11-02T17:10:00Z'));
    expect((await d.pass(store, at('2026-11-02T17:20:00Z'))).digestsSent).toEqual([DIGEST_ID]);
    await d.pass(store, at('2026-11-02T17:35:00Z'));
    expect([d.sent(d.discord), d.sent(d.telegram), (await d.sinkDigests()).length]).toEqual([1, 2, 1]);
  });

  it('after a crash at any store call or right after any send, a re-run leaves each channel with it once, or twice only where the crash followed its send', { timeout: 300_000 }, async () => {
    const AT = at('2026-11-02T17:05:00Z');
    const clean = await wired();
    const counting = crashingStore((await storeWithPosts()).store, Number.POSITIVE_INFINITY);
    await clean.pass(counting.store, AT);
    const totalCalls = counting.calls();
    expect(clean.sent(clean.discord)).toBe(1);

    const cases = [
      ...Array.from({ length: totalCalls }, (_, i) => ({ crashAfter: i + 1, crashAfterSend: 0 })),
      // Discord, then Telegram (the sink is delivered first and writes its own file).
      ...[1, 2].map((n) => ({ crashAfter: Number.POSITIVE_INFINITY, crashAfterSend: n })),
    ];
    for (const { crashAfter, crashAfterSend } of cases) {
      const d = await wired();
      const { store, tableName } = await storeWithPosts();
      const crashing = crashingStore(store, crashAfter);
      const outcome = await d.pass(crashing.store, AT, dyingAfterSend(d.channels, crashAfterSend, crashing.die)).then(
        () => 'completed',
        () => 'crashed',
      );
      const label = `crash after store call ${crashAfter}, send ${crashAfterSend}`;
      expect(outcome, label).toBe(crashAfter === totalCalls ? 'completed' : 'crashed');
      const { store: rerun } = await dynamo.newStore({ tableName });
      await d.pass(rerun, new Date(AT.getTime() + PASS_LEASE_MS));
      await d.pass(rerun, new Date(AT.getTime() + 2 * PASS_LEASE_MS));
      const counts = [(await d.sinkDigests()).length, d.sent(d.discord), d.sent(d.telegram)];
      for (const count of counts) {
        expect(count, label).toBeGreaterThanOrEqual(1);
        expect(count, label).toBeLessThanOrEqual(2);
      }
      if (crashAfterSend === 0) expect(counts.filter((c) => c === 2).length, label).toBeLessThanOrEqual(1);
      else expect(counts[crashAfterSend], label).toBe(2);
      expect(d.sent(d.slack), label).toBe(0);
    }
  });
});
