// The monitor's data: one DynamoDB table (pk/sk strings) holding posts, hourly trend buckets,
// source states, the pass lock and alerts (lambdas/adapters/store/table-schema.ts). On-demand: a pass
// every 15 minutes is a few hundred requests a day, far below any provisioned minimum.

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { KEY_SCHEMA, TTL_ATTRIBUTE } from '../../lambdas/adapters/store/table-schema.ts';

export { TTL_ATTRIBUTE };

export interface StorageProps {
  /**
   * What deleting the stack does to the data. Trends are the campaign's history: kept unless asked.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class Storage extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: KEY_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: KEY_SCHEMA.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
