import { RemovalPolicy, Validations, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Alerting } from '../../../lib/constructs/alerting.ts';
import { Credentials } from '../../../lib/constructs/credentials.ts';
import { Polling } from '../../../lib/constructs/polling.ts';
import { QueryApi } from '../../../lib/constructs/query-api.ts';
import { Storage } from '../../../lib/constructs/storage.ts';
import { SHIPPED_CONFIG } from '../../../lib/deploy-settings.ts';
import { awsSolutionsReport, constructStack } from '../../helpers/cdk.ts';

/** Everything that could be handed a read grant by mistake: both functions and the reader policy. */
function stackWithCredentials() {
  const stack = constructStack();
  const storage = new Storage(stack, 'Storage');
  const alerting = new Alerting(stack, 'Alerting');
  const credentials = new Credentials(stack, 'Credentials');
  new Polling(stack, 'Polling', { table: storage.table, alerting, credentials, configFile: SHIPPED_CONFIG });
  new QueryApi(stack, 'QueryApi', { table: storage.table, configFile: SHIPPED_CONFIG });
  return stack;
}

const stack = stackWithCredentials();
const template = Template.fromStack(stack);
const secretId = () => Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0]!;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
/** Every identity-policy statement, by the policy's logical id. */
function statements(): [string, Statement][] {
  return ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
    Object.entries(template.findResources(type)).flatMap(([id, policy]) => (policy.Properties.PolicyDocument.Statement as Statement[]).map((s): [string, Statement] => [id, s])),
  );
}

describe('Credentials', () => {
  it('creates one secret holding an empty JSON object, encrypted with the AWS managed key, deleted with the stack', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const [secret] = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secret!.Properties.SecretString).toBe('{}');
    expect(secret!.Properties.GenerateSecretString).toBeUndefined();
    expect(secret!.Properties.KmsKeyId).toBeUndefined();
    expect(secret!.Properties.Name).toBeUndefined();
    expect(secret!.DeletionPolicy).toBe('Delete');
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
  });

  it('lets only the poll function read it, with GetSecretValue alone', () => {
    const secretActions = statements().filter(([, s]) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(secretActions).toEqual([[expect.stringMatching(/^PollingFunctionRole/), { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId() } }]]);
    // Nothing else names the secret, with any action.
    const naming = statements().filter(([, s]) => JSON.stringify(s.Resource).includes(secretId()));
    expect(naming.map(([id]) => id)).toEqual([expect.stringMatching(/^PollingFunctionRole/)]);
    // The poll role's policy is attached to the poll role only.
    const [, policy] = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('PollingFunctionRole'))!;
    expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^PollingFunctionRole/) }]);
  });

  it('tells the poll function which secret in FANPULSE_SECRET_ARN, and the query function nothing', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    const variables = (prefix: string) => functions.find(([id]) => id.startsWith(prefix))![1].Properties.Environment.Variables as Record<string, unknown>;
    expect(variables('PollingFunction').FANPULSE_SECRET_ARN).toEqual({ Ref: secretId() });
    expect(variables('QueryApiFunction').FANPULSE_SECRET_ARN).toBeUndefined();
    expect(JSON.stringify(variables('QueryApiFunction'))).not.toContain(secretId());
  });

  it('keeps the secret when asked', () => {
    const kept = constructStack();
    new Credentials(kept, 'Credentials', { removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(kept).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it("passes cdk-nag's AwsSolutions checks, its one acknowledgement (no rotation) with a reason", () => {
    // A stack of its own: Template.fromStack has already synthesised the one above.
    const app = stackWithCredentials().node.root as App;
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const nag = awsSolutionsReport(assembly.directory);
    expect(nag.conclusion).toBe('success');
    expect(nag.violations).toEqual([]);
    const onSecret = nag.suppressedViolations.filter((v) => v.acknowledgedAt.includes('/Credentials/'));
    expect(onSecret.map((v) => v.ruleName)).toEqual(['AwsSolutions-SMG4']);
    expect(onSecret[0]!.reason).toMatch(/rotat/);
  });
});
