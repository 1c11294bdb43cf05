import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE_ACTIONS } from '../../../lib/constructs/node-function.ts';
import { QueryApi } from '../../../lib/constructs/query-api.ts';
import { Storage } from '../../../lib/constructs/storage.ts';
import { SHIPPED_CONFIG } from '../../../lib/deploy-settings.ts';
import { constructStack, policyActions } from '../../helpers/cdk.ts';

function queryApi(isPublic?: boolean) {
  const stack = constructStack();
  const storage = new Storage(stack, 'Storage');
  new QueryApi(stack, 'QueryApi', { table: storage.table, configFile: SHIPPED_CONFIG, public: isPublic });
  return Template.fromStack(stack);
}

const template = queryApi();
const routes = (t: Template) => Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as { RouteKey: string; AuthorizationType: string });

describe('QueryApi', () => {
  it('runs the query handler on Node.js 22, arm64, with an explicit budget and read-only wiring', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 10,
      MemorySize: 256,
      Environment: { Variables: { FANPULSE_TABLE: { Ref: Match.stringLikeRegexp('^StorageTable') }, FANPULSE_CONFIG_FILE: '/var/task/fanpulse.config.json' } },
    });
  });

  it('serves GET /trends, /posts, /alerts, /sources and /config, IAM-authorised by default', () => {
    expect(routes(template).map((r) => [r.RouteKey, r.AuthorizationType]).sort()).toEqual([
      ['GET /alerts', 'AWS_IAM'],
      ['GET /config', 'AWS_IAM'],
      ['GET /posts', 'AWS_IAM'],
      ['GET /sources', 'AWS_IAM'],
      ['GET /trends', 'AWS_IAM'],
    ]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', CorsConfiguration: Match.absent() });
  });

  it('is public, read-only and browser-callable when asked, and then serves the dashboard page too', () => {
    const open = queryApi(true);
    expect(routes(open).map((r) => [r.RouteKey, r.AuthorizationType]).sort()).toEqual([
      ['GET /', 'NONE'],
      ['GET /alerts', 'NONE'],
      ['GET /app.css', 'NONE'],
      ['GET /app.js', 'NONE'],
      ['GET /boot.js', 'NONE'],
      ['GET /config', 'NONE'],
      ['GET /posts', 'NONE'],
      ['GET /sources', 'NONE'],
      ['GET /trends', 'NONE'],
    ]);
    open.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: { AllowOrigins: ['*'], AllowMethods: ['GET'] } });
    open.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ FANPULSE_PAGE_DIR: '/var/task/page' }) } });
  });

  it('keeps the page out of the IAM-authorised API: no page routes, no page in the function', () => {
    expect(routes(template).map((r) => r.RouteKey)).not.toContain('GET /');
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn!.Properties.Environment.Variables).not.toHaveProperty('FANPULSE_PAGE_DIR');
  });

  it('throttles the whole API and logs every request', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QueryApiAccessLogs'), 'Arn'] } },
    });
  });

  it('lets the function only read the table', () => {
    const policy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('QueryApiFunctionRole'))!;
    const actions = (policy[1].Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([...TABLE_ACTIONS.read].sort());
    expect(actions.filter((a) => !a.startsWith('dynamodb:')).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it("offers a reader policy: the API's GET routes and what the CLI reads from the table", () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    const [invoke, table] = policy!.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    expect(invoke!.Action).toBe('execute-api:Invoke');
    const routeArns = JSON.stringify(invoke!.Resource).match(/\/\$default\/GET\/[a-z]+/g);
    expect(routeArns?.sort()).toEqual(['/$default/GET/alerts', '/$default/GET/config', '/$default/GET/posts', '/$default/GET/sources', '/$default/GET/trends']);
    expect([table!.Action].flat().sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DescribeTable', 'dynamodb:Query']);
    expect(table!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StorageTable/), 'Arn'] });
    expect([...policyActions(template).values()].flat().filter((a) => a.includes('*'))).toEqual([]);
  });
});
