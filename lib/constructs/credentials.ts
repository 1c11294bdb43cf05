// The sources' keys and logins in AWS: one Secrets Manager secret, a JSON object under the same names
// as the local environment (REDDIT_CLIENT_ID, BLUESKY_HANDLE, YOUTUBE_API_KEY, …). The stack creates it
// holding `{}`; the user pastes the values with `aws secretsmanager put-secret-value`, so they never
// pass through the config file, the template or the CDK's assets. Only the poll function may read it
// (lambdas/config/secrets.ts), once per container.

import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { HouseFunction } from './node-function.ts';

export interface CredentialsProps {
  /**
   * What deleting the stack does to the secret.
   * @default RemovalPolicy.DESTROY: the keys' real home is each platform, where they can be made again
   * or revoked; a kept secret would leave live keys behind, billed monthly, that no new deployment adopts
   * (its name is generated)
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class Credentials extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: CredentialsProps = {}) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'fanpulse source credentials: a JSON object such as {"YOUTUBE_API_KEY": "…"}, read by the poll function at a cold start',
      // Empty, not a generated password: the values are keys the user gets from each platform. `{}`
      // is no secret, so it may sit in the template.
      secretStringValue: SecretValue.unsafePlainText('{}'),
      // No encryptionKey: the AWS managed aws/secretsmanager key. A customer managed key would cost
      // $1 a month and buy nothing here (no cross-account readers, no key policy to write).
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: "The secret holds third-party keys the user pastes (Reddit, Bluesky, YouTube, Mastodon): there is no rotation Lambda that could make new ones, so rotating is the user's, at each platform, followed by put-secret-value.",
    });
  }

  /**
   * Hands the secret to `fn`: the grant to read it (GetSecretValue only; it never needs DescribeSecret)
   * and its ARN in FANPULSE_SECRET_ARN, together, so one is never without the other.
   */
  passTo(fn: HouseFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }));
    fn.addEnvironment('FANPULSE_SECRET_ARN', this.secret.secretArn);
  }
}
