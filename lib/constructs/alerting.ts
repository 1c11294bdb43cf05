// Where notifications go: two SNS topics, each with one e-mail subscription per address.
// - The alert topic: the poll function publishes spikes to it (counts, the posts behind them).
//   Encrypted at rest with the AWS managed aws/sns key, which costs nothing a month.
// - The alarm topic: the monitoring alarms publish "the monitor is broken" to it. CloudWatch alarms
//   cannot publish to a topic encrypted with aws/sns (its key policy cannot be changed to let the
//   CloudWatch service use it), only to an unencrypted topic or one under a customer managed key,
//   which costs $1 a month: more than the rest of a default deployment. An alarm notification holds
//   the alarm's name, state, threshold and the metric's value, nothing of the campaign or anyone's
//   data, so it is not encrypted at rest; publishing still requires TLS. (cdk-nag 3's AwsSolutions
//   pack has no rule on SNS encryption at rest, so nothing is acknowledged; the HIPAA and NIST packs'
//   SNSEncryptedKMS would flag this topic, for the reason above.)
// The organiser gets both in one inbox (confirming two subscriptions per address).

import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** The AWS managed key for SNS: free, and usable by any principal of the account through SNS. */
export const SNS_MANAGED_KEY = 'alias/aws/sns';

export interface AlertingProps {
  /**
   * Addresses that get the alerts and the alarms, one subscription to each topic (each must confirm it from the e-mail).
   * @default - none: alerts and alarms reach the topics but nobody reads them
   */
  readonly emails?: readonly string[];
}

export class Alerting extends Construct {
  /** Spike alerts from the poll function. */
  readonly topic: Topic;
  /** The monitoring alarms. */
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: AlertingProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'fanpulse alerts',
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', SNS_MANAGED_KEY),
      enforceSSL: true,
    });
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'fanpulse alarms', enforceSSL: true });
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new EmailSubscription(email));
      this.alarmTopic.addSubscription(new EmailSubscription(email));
    }
  }

  /**
   * Lets `grantee` publish alerts: sns:Publish on the alert topic. The aws/sns key's own policy lets
   * the account's principals use it through SNS, so no key permission is granted (or needed).
   */
  grantPublish(grantee: IGrantable): void {
    this.topic.grants.actions(grantee, ['sns:Publish']);
  }
}
