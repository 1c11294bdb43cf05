import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Alerting } from '../../../lib/constructs/alerting.ts';
import { constructStack, policyActions } from '../../helpers/cdk.ts';

function alerting(emails?: string[]) {
  const stack = constructStack();
  const construct = new Alerting(stack, 'Alerting', { emails });
  return { stack, construct, template: () => Template.fromStack(stack) };
}

describe('Alerting', () => {
  it('encrypts the alert topic with the AWS managed aws/sns key and makes no key of its own', () => {
    const template = alerting().template();
    template.resourceCountIs('AWS::KMS::Key', 0);
    const [alerts] = Object.values(template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'fanpulse alerts' } }));
    // The alias's ARN in this account and region: arn:<partition>:kms:<region>:<account>:alias/aws/sns.
    expect(JSON.stringify(alerts!.Properties.KmsMasterKeyId)).toMatch(/":kms:".*":alias\/aws\/sns"\]\]\}$/);
  });

  it('gives the alarms a topic of their own without a key, since CloudWatch alarms cannot publish to one under aws/sns', () => {
    const template = alerting().template();
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'fanpulse alarms', KmsMasterKeyId: Match.absent() });
  });

  it('refuses publishes that do not use TLS, on both topics', () => {
    const policies = Object.values(alerting().template().findResources('AWS::SNS::TopicPolicy')).map((p) => p.Properties);
    expect(policies.map((p) => p.Topics[0].Ref).sort()).toEqual([expect.stringMatching(/^AlertingAlarmTopic/), expect.stringMatching(/^AlertingTopic/)]);
    for (const policy of policies) {
      expect(policy.PolicyDocument.Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
    }
  });

  it('subscribes each address by e-mail to the alerts and to the alarms', () => {
    const template = alerting(['organiser@example.org', 'team@example.org']).template();
    template.resourceCountIs('AWS::SNS::Subscription', 4);
    for (const address of ['organiser@example.org', 'team@example.org']) {
      for (const topic of ['^AlertingTopic', '^AlertingAlarmTopic']) {
        template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: address, TopicArn: { Ref: Match.stringLikeRegexp(topic) } });
      }
    }
  });

  it('has no subscription when given no address', () => {
    alerting().template().resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('grants publishing alerts as sns:Publish on the alert topic alone, no key action and no wildcard', () => {
    const { stack, construct, template } = alerting();
    const role = new Role(stack, 'Publisher', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    construct.grantPublish(role);
    const synthesized = template();
    synthesized.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^AlertingTopic') } }] },
    });
    expect([...policyActions(synthesized).values()].flat().filter((a) => a.includes('*') || a.startsWith('kms:'))).toEqual([]);
  });
});
