// The read-only trends API: an API Gateway HTTP API in front of the query function
// (lambdas/handlers/query.ts), GET /trends, /posts, /alerts, /sources and /config. IAM-authorised by default (callers
// sign requests with their AWS credentials); public on request, for dashboards and spreadsheets,
// and then it also serves the dashboard page (web/dist, bundled with the function) at /.
// Throttled either way, so a busy or hostile client cannot run up the table's bill.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_PATHS } from '../../lambdas/http/query-api.ts';
import { LOCAL_PAGE_DIR, PAGE_FILES } from '../../lambdas/http/static-page.ts';
import { BUNDLED_CONFIG, HouseFunction, TABLE_ACTIONS, TASK_ROOT, useTable } from './node-function.ts';

/** The query function answers the same route table locally (`fanpulse serve`) and here. */
export const QUERY_PATHS = API_PATHS;
/** The page's folder inside the function's bundle. */
const BUNDLED_PAGE = 'page';

/** The built page's files, for the bundle; a clear error when the page was never built. */
function pageFiles(): Record<string, string> {
  const files = Object.values(PAGE_FILES).map(({ file }) => file);
  const missing = files.filter((file) => !existsSync(join(LOCAL_PAGE_DIR, file)));
  if (missing.length) throw new Error(`publicApi=true serves the dashboard page, which is not built (no ${missing.join(', ')} in ${LOCAL_PAGE_DIR}): run \`npm run build:web\` (npm ci runs it)`);
  return Object.fromEntries(files.map((file) => [`${BUNDLED_PAGE}/${file}`, join(LOCAL_PAGE_DIR, file)]));
}

export interface QueryApiProps {
  readonly table: ITable;
  /** The validated monitor config (absolute path), bundled with the function. */
  readonly configFile: string;
  /**
   * Anyone with the URL may read (no authorisation), instead of IAM-signed requests only.
   * @default false
   */
  readonly public?: boolean;
  /**
   * Steady requests per second the whole API accepts; more are answered 429.
   * @default 10
   */
  readonly rateLimit?: number;
  /**
   * Requests the API accepts at once above the steady rate.
   * @default 20
   */
  readonly burstLimit?: number;
}

export class QueryApi extends Construct {
  readonly function: HouseFunction;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Attach to a team member's user or role: they may call the API and read the table with the CLI. */
  readonly readerPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: QueryApiProps) {
    super(scope, id);
    const isPublic = props.public ?? false;

    this.function = new HouseFunction(this, 'Function', {
      entry: 'lambdas/handlers/query.ts',
      description: `fanpulse: the read-only trends API (GET /trends, /posts, /alerts, /sources, /config)${isPublic ? ' and the dashboard page' : ''}`,
      timeout: Duration.seconds(10),
      memorySize: 256,
      bundledFiles: { [BUNDLED_CONFIG]: props.configFile, ...(isPublic ? pageFiles() : {}) },
      environment: {
        FANPULSE_CONFIG_FILE: `${TASK_ROOT}/${BUNDLED_CONFIG}`,
        ...(isPublic ? { FANPULSE_PAGE_DIR: `${TASK_ROOT}/${BUNDLED_PAGE}` } : {}),
      },
    });
    useTable(this.function, props.table, 'read');

    this.api = new HttpApi(this, 'Api', {
      description: `fanpulse trends API (${isPublic ? 'public, read-only' : 'IAM-authorised'})`,
      createDefaultStage: false,
      defaultAuthorizer: isPublic ? new HttpNoneAuthorizer() : new HttpIamAuthorizer(),
      // Browsers can only call a public API; a signed one is for the CLI, scripts and awscurl.
      ...(isPublic ? { corsPreflight: { allowOrigins: ['*'], allowMethods: [CorsHttpMethod.GET], maxAge: Duration.hours(1) } } : {}),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 10, burstLimit: props.burstLimit ?? 20 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    const integration = new HttpLambdaIntegration('Query', this.function);
    // The page only where anyone may read: a signed API has no browser to show it to.
    const paths = [...QUERY_PATHS, ...(isPublic ? Object.keys(PAGE_FILES) : [])];
    for (const path of paths) this.api.addRoutes({ path, methods: [HttpMethod.GET], integration });
    if (isPublic) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason: 'Public on purpose: the deployer chose -c publicApi=true for a read-only trends endpoint. Every route is a GET over aggregate trend data, and the stage throttles the whole API.',
      });
    }

    this.readerPolicy = new ManagedPolicy(this, 'ReaderPolicy', {
      description: `Read the fanpulse trends of stack ${Stack.of(this).stackName}: its HTTP API and, for the CLI, its table`,
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: QUERY_PATHS.map((path) => this.api.arnForExecuteApi('GET', path, '$default')),
        }),
        // What `fanpulse trends|alerts|sources` sends with FANPULSE_TABLE set: it checks the table first.
        new PolicyStatement({
          actions: ['dynamodb:DescribeTable', ...TABLE_ACTIONS.read],
          resources: [props.table.tableArn],
        }),
      ],
    });
  }

  /** The API's base URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/ */
  get url(): string {
    return this.stage.url;
  }
}
