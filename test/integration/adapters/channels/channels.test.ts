// Each channel against a local server answering as the platform documents: Discord's Execute
// Webhook (204, 400 Invalid Form Body, 404 Unknown Webhook, 429 with retry_after seconds in JSON),
// Slack's incoming webhooks (200 "ok", 400 invalid_payload, 404 no_service, 429 Retry-After header),
// Telegram's sendMessage ({ok:true,result}, 403 bot kicked, 429 parameters.retry_after), and a
// signed generic webhook checked with node:crypto. Shapes: test/fixtures/channels/README.md.

import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels } from '../../../../lambdas/adapters/channels/create-channel.ts';
import { parseConfig } from '../../../../lambdas/config/load.ts';
import { AlertDeliveryError } from '../../../../lambdas/core/errors.ts';
import type { AlertMessageContext } from '../../../../lambdas/core/alert-message.ts';
import type { AlertChannel } from '../../../../lambdas/core/ports.ts';
import { sampleAlert } from '../../../helpers/alerts.ts';
import { startTestServer, type TestServer } from '../../../helpers/http-server.ts';

const SUBJECT = 'fanpulse: petition spike on "Bosch: Legacy" - 31 mentions in 1h, ~78x usual, a push';
const alert = sampleAlert({
  topPosts: [
    { title: 'Sign <b>& share', link: 'https://www.change.org/p/save-bosch-legacy?a=1&b=2', score: 3, petition: true, source: 'petition-updates' },
    { title: 'Why it matters', link: null, score: 1, petition: false, source: 'bosch-pit-forum' },
  ],
});
/** A laptop's monitor in New York: no dashboard, so the alert quotes the commands for its config and data dir. */
const LAPTOP: AlertMessageContext = {
  timeZone: 'America/New_York',
  store: { kind: 'data-dir', configPath: '/home/fan/campaign/fanpulse.config.json', dataDir: '/home/fan/campaign/.fanpulse' },
};
const PAGE = 'https://abc123.execute-api.us-east-1.amazonaws.com/';
// Written out by hand from the sample alert: 31 mentions on a 0.4 baseline (31 / 0.4 = 77.5), 20 of
// them positive; the window 14:00-15:00 UTC is 10:00-11:00 EDT on Thursday 27 March 2025.
const TITLE = 'Petition spike on "Bosch: Legacy"';
const HEADLINE = '31 petition mentions in the last hour (Thursday morning), about 78× the usual at this time of day (0.4).';
const SENTIMENT = 'Mostly positive, a push: 20 positive, 3 negative, 8 neutral.';
const WHEN = 'Thu 2025-03-27 10:00-11:00 America/New_York (14:00-15:00 UTC)';
const POSTS_COMMAND =
  'npx fanpulse posts --topic bosch-legacy --petition --since 2025-03-27T14:00Z --until 2025-03-27T15:00Z --config /home/fan/campaign/fanpulse.config.json --data-dir /home/fan/campaign/.fanpulse';
const ALERTS_COMMAND = 'npx fanpulse alerts --since 2025-03-27T14:00Z --config /home/fan/campaign/fanpulse.config.json --data-dir /home/fan/campaign/.fanpulse';
const FOOTER = 'fanpulse alert bosch-legacy#petition-spike#2025-03-27T14:00:00.000Z';

let server: TestServer;
const bodies: { path: string; body: string; headers: IncomingMessage['headers'] }[] = [];
const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push({ path: new URL(req.url ?? '/', 'http://x').pathname, body: text, headers: req.headers });
      resolve(text);
    });
  });

/** One route answering in turn with each of `answers` (status, headers, body), the last one from then on. */
function answers(path: string, list: [number, Record<string, string>, string][]) {
  let i = 0;
  server.route(path, async (req, res) => {
    await read(req);
    const [status, headers, body] = list[Math.min(i++, list.length - 1)]!;
    res.writeHead(status, headers).end(body);
  });
}

function channels(notify: unknown[], env: Record<string, string>, message: AlertMessageContext = LAPTOP): AlertChannel[] {
  const config = parseConfig(
    ({ topics: [{ id: 'bosch-legacy', keywords: ['bosch legacy'] }], sources: [{ id: 'f', type: 'rss', url: `${server.url}/f`, topics: ['bosch-legacy'] }], notify }),
    'test',
  );
  return createChannels(config.notify, config.poll, env, message);
}

const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error as AlertDeliveryError);
const lastBody = () => JSON.parse(bodies.at(-1)!.body);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('discord', () => {
  it('posts one embed: the headline, the sentiment, escaped top posts with their sources, the times and the commands; resolves on 204', async () => {
    answers('/api/webhooks/1/ok', [[204, {}, '']]);
    const [discord] = channels([{ type: 'discord', secretEnv: 'DISCORD_URL' }], { DISCORD_URL: `${server.url}/api/webhooks/1/ok` });
    await discord!.send(alert);
    expect(bodies.at(-1)!.headers['content-type']).toBe('application/json');
    expect(lastBody()).toEqual({
      username: 'fanpulse',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: TITLE,
          description: [
            HEADLINE,
            SENTIMENT,
            '',
            '**Top posts**',
            '1. [Sign \\<b\\>& share](https://www.change.org/p/save-bosch-legacy?a=1&b=2) (petition\\-updates, petition, sentiment +3)',
            '2. Why it matters (bosch\\-pit\\-forum, sentiment +1)',
          ].join('\n'),
          // Green: a push.
          color: 0x2ecc71,
          fields: [
            { name: 'When', value: WHEN, inline: false },
            { name: 'Look further', value: `\`\`\`\n${POSTS_COMMAND}\n${ALERTS_COMMAND}\n\`\`\``, inline: false },
          ],
          timestamp: '2025-03-27T15:02:11.000Z',
          footer: { text: FOOTER },
        },
      ],
    });
  });

  it('links the dashboard from the title when its address is known, and is red for a backlash', async () => {
    answers('/api/webhooks/5/ok', [[204, {}, '']]);
    const [discord] = channels([{ type: 'discord', secretEnv: 'DISCORD_URL' }], { DISCORD_URL: `${server.url}/api/webhooks/5/ok` }, { pageUrl: PAGE });
    await discord!.send({ ...alert, positive: 2, negative: 25, neutral: 4 });
    const [embed] = lastBody().embeds;
    expect(embed.url).toBe(`${PAGE}?range=custom&since=2025-03-25T14%3A00%3A00.000Z&until=2025-03-27T15%3A00%3A00.000Z&bucket=hour&topic=bosch-legacy`);
    expect(embed.color).toBe(0xe74c3c);
    expect(embed.description.split('\n')[1]).toBe('Mostly negative, a backlash: 25 negative, 2 positive, 4 neutral.');
    // No commands when there is a page to open; times in UTC, the default zone.
    expect(embed.fields).toEqual([{ name: 'When', value: 'Thu 2025-03-27 14:00-15:00 UTC', inline: false }]);
  });

  it('defers for retry_after seconds on 429, is gone on 404 Unknown Webhook, and fails plainly on 400', async () => {
    answers('/api/webhooks/2/busy', [[429, { 'content-type': 'application/json' }, '{"message":"You are being rate limited.","retry_after":64.57,"global":false}']]);
    answers('/api/webhooks/3/deleted', [[404, { 'content-type': 'application/json' }, '{"message":"Unknown Webhook","code":10015}']]);
    answers('/api/webhooks/4/bad', [[400, { 'content-type': 'application/json' }, '{"message":"Invalid Form Body","code":50035,"errors":{}}']]);
    const env = { DA: `${server.url}/api/webhooks/2/busy`, DB: `${server.url}/api/webhooks/3/deleted`, DC: `${server.url}/api/webhooks/4/bad` };
    const [busy, deleted, bad] = channels(['DA', 'DB', 'DC'].map((secretEnv) => ({ type: 'discord', secretEnv })), env);
    const limited = await failure(busy!.send(alert));
    expect([limited.retryAfterMs, limited.gone]).toEqual([64_570, false]);
    const gone = await failure(deleted!.send(alert));
    expect(gone.gone).toBe(true);
    expect(gone.message).toContain('Unknown Webhook');
    // The webhook's token is in its URL: never in what the user sees.
    expect(gone.message).not.toContain('/3/deleted');
    const refused = await failure(bad!.send(alert));
    expect([refused.gone, refused.retryAfterMs]).toEqual([false, undefined]);
    expect(refused.message).toContain('Invalid Form Body');
  });

  it('says which variable to set when the webhook URL is missing, and requests nothing', async () => {
    const before = bodies.length;
    const [discord] = channels([{ type: 'discord', secretEnv: 'NOT_SET_ANYWHERE' }], {});
    expect((await failure(discord!.send(alert))).message).toContain('set NOT_SET_ANYWHERE');
    expect(bodies.length).toBe(before);
  });
});

describe('slack', () => {
  it('posts blocks with a text fallback and &, <, > escaped; 429 Retry-After defers; 404 no_service is gone', async () => {
    answers('/services/T1/B1/ok', [[200, { 'content-type': 'text/html' }, 'ok']]);
    answers('/services/T1/B2/busy', [[429, { 'retry-after': '30', 'content-type': 'text/html' }, 'rate_limited']]);
    answers('/services/T1/B3/revoked', [[404, { 'content-type': 'text/html' }, 'no_service']]);
    const env = { S1: `${server.url}/services/T1/B1/ok`, S2: `${server.url}/services/T1/B2/busy`, S3: `${server.url}/services/T1/B3/revoked` };
    const [ok, busy, revoked] = channels(['S1', 'S2', 'S3'].map((secretEnv) => ({ type: 'slack', secretEnv })), env);
    await ok!.send(alert);
    expect(lastBody()).toEqual({
      text: SUBJECT,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: TITLE } },
        { type: 'section', text: { type: 'mrkdwn', text: `${HEADLINE}\n${SENTIMENT}` } },
        { type: 'section', text: { type: 'mrkdwn', text: `*When*\n${WHEN}` } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*Top posts*\n1. <https://www.change.org/p/save-bosch-legacy?a=1&b=2|Sign &lt;b&gt;&amp; share> (petition-updates, petition, sentiment +3)\n2. Why it matters (bosch-pit-forum, sentiment +1)',
          },
        },
        { type: 'section', text: { type: 'mrkdwn', text: `*Look further*\n\`\`\`${POSTS_COMMAND}\n${ALERTS_COMMAND}\`\`\`` } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: FOOTER }] },
      ],
    });
    expect((await failure(busy!.send(alert))).retryAfterMs).toBe(30_000);
    const gone = await failure(revoked!.send(alert));
    expect([gone.gone, gone.message.includes('no_service')]).toEqual([true, true]);
  });
});

describe('telegram', () => {
  it('sends HTML with &, < and > escaped to the chat, and needs "ok": true', async () => {
    answers('/bot123:ABC/sendMessage', [[200, { 'content-type': 'application/json' }, '{"ok":true,"result":{"message_id":42,"date":1743087731,"chat":{"id":-1001234567890,"type":"supergroup"}}}']]);
    const [telegram] = channels([{ type: 'telegram', secretEnv: 'TG_TOKEN', chatId: -1001234567890, baseUrl: server.url }], { TG_TOKEN: '123:ABC' });
    await telegram!.send(alert);
    expect(lastBody()).toEqual({
      chat_id: -1001234567890,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      text: [
        '<b>Petition spike on "Bosch: Legacy"</b>',
        HEADLINE,
        SENTIMENT,
        '',
        `When: ${WHEN}`,
        '',
        '<b>Top posts</b>',
        '1. <a href="https://www.change.org/p/save-bosch-legacy?a=1&amp;b=2">Sign &lt;b&gt;&amp; share</a> (petition-updates, petition, sentiment +3)',
        '2. Why it matters (bosch-pit-forum, sentiment +1)',
        '',
        '<b>Look further</b>',
        `<code>${POSTS_COMMAND}</code>`,
        `<code>${ALERTS_COMMAND}</code>`,
        '',
        `<i>${FOOTER}</i>`,
      ].join('\n'),
    });
  });

  it('defers for parameters.retry_after on 429 and is gone when the bot was kicked (403)', async () => {
    answers('/bot1:BUSY/sendMessage', [[429, { 'content-type': 'application/json' }, '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}']]);
    answers('/bot1:KICKED/sendMessage', [[403, { 'content-type': 'application/json' }, '{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the supergroup chat"}']]);
    const [busy, kicked] = channels(
      [
        { type: 'telegram', secretEnv: 'TG_BUSY', chatId: '@savebosch', baseUrl: server.url },
        { type: 'telegram', secretEnv: 'TG_KICKED', chatId: 5, baseUrl: server.url },
      ],
      { TG_BUSY: '1:BUSY', TG_KICKED: '1:KICKED' },
    );
    expect((await failure(busy!.send(alert))).retryAfterMs).toBe(17_000);
    const gone = await failure(kicked!.send(alert));
    expect(gone.gone).toBe(true);
    // The token is in the URL path: never in what the user sees.
    expect(gone.message).not.toContain('KICKED');
  });
});

describe('webhook', () => {
  it('signs the exact body with HMAC-SHA256 of the secret', async () => {
    answers('/hooks/fanpulse', [[202, {}, '']]);
    const [hook] = channels([{ type: 'webhook', secretEnv: 'HOOK_SECRET', url: `${server.url}/hooks/fanpulse` }], { HOOK_SECRET: 's3cret' });
    await hook!.send(alert);
    const { body, headers } = bodies.at(-1)!;
    const expected = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;
    expect(headers['x-fanpulse-signature']).toBe(expected);
    const parsed = JSON.parse(body);
    expect([parsed.type, parsed.version, parsed.subject, parsed.alert.id, parsed.alert.count]).toEqual(['alert', 1, SUBJECT, alert.id, 31]);
    expect([parsed.headline, parsed.sentiment, parsed.tone, parsed.when, parsed.link]).toEqual([HEADLINE, SENTIMENT, 'push', WHEN, null]);
    // The e-mail's text, whole: it starts with the title and quotes the commands.
    expect(parsed.text.split('\n').slice(0, 6)).toEqual([`${TITLE} (bosch-legacy)`, '', HEADLINE, SENTIMENT, '', `When: ${WHEN}`]);
    expect(parsed.text).toContain(`  ${POSTS_COMMAND}\n  ${ALERTS_COMMAND}\n`);
  });
});

describe('the notify config', () => {
  it('names the field and the fix for a secret pasted in place of its name, and for an unknown topic', () => {
    const parse = (notify: unknown[]) => () =>
      parseConfig(({ topics: [{ id: 't', keywords: ['x'] }], sources: [{ id: 'f', type: 'rss', url: 'https://e.org/f', topics: ['t'] }], notify }), 'test');
    expect(parse([{ type: 'discord', secretEnv: 'https://discord.com/api/webhooks/1/abc' }])).toThrow(/notify.*secretEnv.*NAME of the environment variable/s);
    expect(parse([{ type: 'slack', secretEnv: 'SLACK_URL', topics: ['nope'] }])).toThrow(/unknown topic "nope"/);
    expect(parse([{ type: 'telegram', secretEnv: 'TG' }])).toThrow(/chatId/);
    expect(parse([{ type: 'sms', secretEnv: 'X_Y' }])).toThrow(/type must be one of: "discord", "slack", "telegram", "webhook"/);
    expect(parse([{ type: 'discord', secretEnv: 'A_B' }, { type: 'discord', secretEnv: 'A_B' }])).toThrow(/give one an "id"/);
  });
});
