// Where alerts go: one SNS topic, encrypted, with one e-mail subscription per address. The poll
// function publishes spikes to it and the monitoring alarms publish to it too, so the organiser has
// one inbox for "petition chatter is spiking" and "the monitor is broken".

import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertingProps {
  /**
   * Addresses that get the alerts, one subscription each (each must confirm it from the e-mail).
   * @default - none: alerts and alarms reach the topic but nobody reads them
   */
  readonly emails?: readonly string[];
}

export class Alerting extends Construct {
  readonly topic: Topic;
  /** Encrypts the topic: a customer managed key, because CloudWatch alarms cannot use the AWS managed aws/sns key. */
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertingProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the fanpulse alert topic',
      enableKeyRotation: true,
      // Only the topic uses it, and the topic goes with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // Alarms publish as the CloudWatch service, which needs the key for an encrypted topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheAlertTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'fanpulse alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.emails ?? []) this.topic.addSubscription(new EmailSubscription(email));
  }

  /**
   * Lets `grantee` publish alerts. Like `topic.grantPublish`, but naming the one data-key action
   * SNS uses instead of the `kms:GenerateDataKey*` wildcard.
   */
  grantPublish(grantee: IGrantable): void {
    this.topic.grants.actions(grantee, ['sns:Publish'], { keyActions: ['kms:Decrypt', 'kms:GenerateDataKey'] });
  }
}
