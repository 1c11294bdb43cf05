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
  it('encrypts the topic with a customer managed key that rotates', () => {
    const template = alerting().template();
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertingKey'), 'Arn'] } });
  });

  it('lets CloudWatch alarms encrypt with the key, which they cannot do with aws/sns', () => {
    alerting().template().hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('refuses publishes that do not use TLS', () => {
    alerting().template().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  it('subscribes each address by e-mail, one subscription each', () => {
    const template = alerting(['organiser@example.org', 'team@example.org']).template();
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    for (const address of ['organiser@example.org', 'team@example.org']) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: address, TopicArn: { Ref: Match.stringLikeRegexp('^AlertingTopic') } });
    }
  });

  it('has no subscription when given no address', () => {
    alerting().template().resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('grants publishing as sns:Publish on the topic and the two key actions SNS needs, no wildcard', () => {
    const { stack, construct, template } = alerting();
    const role = new Role(stack, 'Publisher', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    construct.grantPublish(role);
    const synthesized = template();
    synthesized.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^AlertingTopic') } },
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertingKey'), 'Arn'] } },
        ],
      },
    });
    expect([...policyActions(synthesized).values()].flat().filter((a) => a.includes('*'))).toEqual([]);
  });
});
