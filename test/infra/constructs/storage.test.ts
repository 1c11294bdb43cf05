import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Storage, TTL_ATTRIBUTE } from '../../../lib/constructs/storage.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';
import { constructStack } from '../../helpers/cdk.ts';
import { scoredPost } from '../../helpers/posts.ts';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

describe('Storage', () => {
  it('is one on-demand table keyed by pk/sk strings, with point-in-time recovery and TTL', () => {
    const stack = constructStack();
    new Storage(stack, 'Storage');
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      ProvisionedThroughput: Match.absent(),
    });
  });

  it('expires posts on the attribute the store writes to them', async () => {
    const { store, tableName } = await dynamo.newStore();
    const now = new Date('2026-11-20T12:00:00Z');
    await store.ingest([scoredPost({ key: 'p1' })], { now, retentionDays: 90 });
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
    const post = Items.find((item) => String(item.pk).startsWith('POST#'));
    expect(post?.[TTL_ATTRIBUTE]).toBe(Math.floor(now.getTime() / 1000) + 90 * 86_400);
  });

  it('keeps the data when the stack is deleted, unless told otherwise', () => {
    const kept = constructStack();
    new Storage(kept, 'Storage');
    Template.fromStack(kept).hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });

    const dropped = constructStack();
    new Storage(dropped, 'Storage', { removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(dropped).hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });
});
