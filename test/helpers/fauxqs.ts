// Starts fauxqs (an in-process SNS/SQS emulator) for a test, with one SNS topic fanned out to an
// SQS queue, so code under test publishes through the real SNS client and the test reads back
// exactly what a subscriber would get. Call in beforeAll, close() in afterAll.

import { SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';

/** What SNS puts in an SQS message body when raw delivery is off. */
export interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject: string | null;
  Message: string;
  Timestamp: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export interface ReceivedMessage {
  /** The SQS body as delivered. */
  body: string;
  /** The parsed SNS envelope; null for raw-delivery subscriptions. */
  envelope: SnsEnvelope | null;
  /** SQS message attributes (only set for raw delivery; otherwise they are in the envelope). */
  attributes: Record<string, MessageAttributeValue>;
}

export interface ReceiveOptions {
  /** Long-poll wait, 0–20 s. @default 10 */
  waitSeconds?: number;
  /** @default 10 */
  maxMessages?: number;
}

export interface QueueSubscription {
  queueName: string;
  queueUrl: string;
  /** One long poll: returns what arrived (possibly nothing) and deletes it from the queue. */
  receive(options?: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Long-polls until one message arrives; throws when none does within the wait. */
  receiveOne(options?: Pick<ReceiveOptions, 'waitSeconds'>): Promise<ReceivedMessage>;
  /** Messages waiting in the queue right now, without receiving them (fan-out is synchronous in fauxqs). */
  depth(): number;
}

export interface SubscribeOptions {
  /** @default false: the SQS body is the SNS JSON envelope, as an e-mail/HTTP subscriber would see it. */
  rawMessageDelivery?: boolean;
  /** An SNS filter policy on message attributes, e.g. `{ topic: ['bosch-legacy'] }`. */
  filterPolicy?: Record<string, unknown>;
}

export interface FauxqsTopic extends QueueSubscription {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  region: string;
  topicArn: string;
  /** Ready SNS client for the emulator (dummy credentials). */
  sns: SNSClient;
  /** Ready SQS client for the emulator (dummy credentials). */
  sqs: SQSClient;
  /** The fauxqs server itself, for anything not covered here. */
  server: FauxqsServer;
  /** Subscribes another queue to the same topic, e.g. with a filter policy. */
  subscribeQueue(queueName: string, options?: SubscribeOptions): QueueSubscription;
  close(): Promise<void>;
}

export interface StartFauxqsTopicOptions extends SubscribeOptions {
  /** @default 'fanpulse-alerts' */
  topicName?: string;
  /** @default 'fanpulse-alerts-inbox' */
  queueName?: string;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function startFauxqsTopic(options: StartFauxqsTopicOptions = {}): Promise<FauxqsTopic> {
  const topicName = options.topicName ?? 'fanpulse-alerts';
  // fauxqs 1.9.2 always binds 0.0.0.0 (no bind-host option); the clients talk to loopback only.
  const server = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const sns = new SNSClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  const sqs = new SQSClient({
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    // Queue URLs from fauxqs name a virtual host (sqs.us-east-1.localhost) that need not resolve;
    // the endpoint above always does.
    useQueueUrlAsEndpoint: false,
  });
  const { topicArn } = server.createTopic(topicName);

  const subscribeQueue = (queueName: string, subscribe: SubscribeOptions = {}): QueueSubscription => {
    const { queueUrl } = server.createQueue(queueName);
    const attributes: Record<string, string> = {
      RawMessageDelivery: subscribe.rawMessageDelivery ? 'true' : 'false',
    };
    if (subscribe.filterPolicy) attributes.FilterPolicy = JSON.stringify(subscribe.filterPolicy);
    server.subscribe({ topic: topicName, queue: queueName, attributes });

    const receive = async ({ waitSeconds = 10, maxMessages = 10 }: ReceiveOptions = {}) => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          WaitTimeSeconds: waitSeconds,
          MaxNumberOfMessages: maxMessages,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
      return Messages.map((m): ReceivedMessage => {
        const body = m.Body ?? '';
        return {
          body,
          envelope: subscribe.rawMessageDelivery ? null : (JSON.parse(body) as SnsEnvelope),
          attributes: m.MessageAttributes ?? {},
        };
      });
    };

    return {
      queueName,
      queueUrl,
      receive,
      async receiveOne({ waitSeconds = 10 } = {}) {
        const [first] = await receive({ waitSeconds, maxMessages: 1 });
        if (!first) throw new Error(`No message arrived on ${queueName} within ${waitSeconds}s`);
        return first;
      },
      depth() {
        const queue = server.inspectQueue(queueName);
        if (!queue) throw new Error(`No queue ${queueName}`);
        return queue.messages.ready.length + queue.messages.delayed.length + queue.messages.inflight.length;
      },
    };
  };

  const inbox = subscribeQueue(options.queueName ?? 'fanpulse-alerts-inbox', options);
  return {
    ...inbox,
    endpoint,
    region: REGION,
    topicArn,
    sns,
    sqs,
    server,
    subscribeQueue,
    async close() {
      sns.destroy();
      sqs.destroy();
      await server.stop();
    },
  };
}
