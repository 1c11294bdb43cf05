import { createServer } from 'node:net';

import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSnsSink } from '../../../lambdas/adapters/sns-sink.ts';
import { formatAlertMessage } from '../../../lambdas/core/alert-message.ts';
import { AlertDeliveryError } from '../../../lambdas/core/errors.ts';
import { sampleAlert } from '../../helpers/alerts.ts';
import { sampleDigest } from '../../helpers/digests.ts';
import { startFauxqsTopic, type FauxqsTopic } from '../../helpers/fauxqs.ts';

const alert = sampleAlert;

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('createSnsSink', () => {
  let fauxqs: FauxqsTopic;

  beforeAll(async () => {
    fauxqs = await startFauxqsTopic();
  });

  afterAll(async () => {
    await fauxqs?.close();
  });

  it('publishes the formatted alert with topic and kind attributes for filter policies', async () => {
    // A deployed stack without a public page: the e-mail quotes the command that reads its table.
    const message = {
      timeZone: 'Europe/Berlin',
      store: { kind: 'table' as const, table: 'Fanpulse-StorageTable-1A2B3C', region: 'eu-central-1', configPath: 'fanpulse.config.json' },
    };
    const sink = createSnsSink({ client: fauxqs.sns, topicArn: fauxqs.topicArn, message });
    const sent = alert();

    await sink.send(sent);

    const { envelope } = await fauxqs.receiveOne();
    const expected = formatAlertMessage(sent, message);
    expect(envelope).not.toBeNull();
    expect(envelope?.Type).toBe('Notification');
    expect(envelope?.TopicArn).toBe(fauxqs.topicArn);
    // Written out by hand: 31 mentions on a 0.4 baseline, 20 of 31 positive; Berlin is UTC+1 on 27 March 2025.
    expect(envelope?.Subject).toBe('fanpulse: petition spike on "Bosch: Legacy" - 31 mentions in 1h, ~78x usual, a push');
    expect(envelope?.Message).toBe(expected.body);
    expect(envelope?.Message).toContain('\nWhen: Thu 2025-03-27 15:00-16:00 Europe/Berlin (14:00-15:00 UTC)\n');
    expect(envelope?.Message).toContain(
      '\n  AWS_REGION=eu-central-1 FANPULSE_TABLE=Fanpulse-StorageTable-1A2B3C npx fanpulse alerts --since 2025-03-27T14:00Z --config fanpulse.config.json\n',
    );
    expect(envelope?.MessageAttributes).toEqual({
      topic: { Type: 'String', Value: 'bosch-legacy' },
      kind: { Type: 'String', Value: 'petition-spike' },
    });
  });

  it('publishes a digest as its e-mail text, with kind "digest" for filter policies', async () => {
    const sink = createSnsSink({ client: fauxqs.sns, topicArn: fauxqs.topicArn });
    await sink.sendDigest(sampleDigest());

    const { envelope } = await fauxqs.receiveOne();
    expect(envelope?.Subject).toBe('fanpulse daily digest: "Bosch: Legacy" 2026-11-30 - 12 posts, 3 petition mentions');
    expect(envelope?.Message.split('\n')[0]).toBe('Daily digest for "Bosch: Legacy" (bosch-legacy): Monday 2026-11-30 (UTC)');
    expect(envelope?.Message).toContain('  Posts:              12 (usual 3, +300%)');
    expect(envelope?.MessageAttributes).toEqual({
      topic: { Type: 'String', Value: 'bosch-legacy' },
      kind: { Type: 'String', Value: 'digest' },
    });
  });

  it('lets a subscription filter on the topic attribute', async () => {
    const ballardOnly = fauxqs.subscribeQueue('ballard-only', { filterPolicy: { topic: ['ballard'] } });
    const sink = createSnsSink({ client: fauxqs.sns, topicArn: fauxqs.topicArn });

    await sink.send(alert());
    // fauxqs fans out inside Publish, so once send resolves the filtered queue's state is final.
    expect(ballardOnly.depth()).toBe(0);

    await sink.send(alert({ id: 'ballard#petition-spike#2025-03-27T14:00:00.000Z', topic: 'ballard', topicName: 'Ballard' }));
    const { envelope } = await ballardOnly.receiveOne();
    expect(envelope?.MessageAttributes?.topic?.Value).toBe('ballard');

    // Drain the main inbox so later tests start from an empty queue.
    const drained = await fauxqs.receive({ waitSeconds: 1 });
    expect(drained.map((m) => m.envelope?.MessageAttributes?.topic?.Value).sort()).toEqual(['ballard', 'bosch-legacy']);
  });

  it('rejects with AlertDeliveryError when SNS cannot be reached', async () => {
    const port = await closedPort();
    const client = new SNSClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const sink = createSnsSink({ client, topicArn: fauxqs.topicArn });
    try {
      const failure = await sink.send(alert()).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AlertDeliveryError);
      expect((failure as AlertDeliveryError).message).toContain('bosch-legacy');
      expect((failure as AlertDeliveryError).cause).toBeInstanceOf(Error);
    } finally {
      client.destroy();
    }
  });

  it('rejects with AlertDeliveryError when SNS refuses the publish', async () => {
    const sink = createSnsSink({
      client: fauxqs.sns,
      topicArn: 'arn:aws:sns:us-east-1:000000000000:no-such-topic',
    });
    await expect(sink.send(alert())).rejects.toThrow(AlertDeliveryError);
    await expect(sink.send(alert())).rejects.toThrow(/no-such-topic/);
  });
});
