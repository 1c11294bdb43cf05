// The one house NodejsFunction: every fanpulse Lambda gets the same runtime, architecture,
// bundling, source maps and log retention, so a handler only says what is its own (entry, timeout,
// memory, environment).
//
// Bundling runs the project's own esbuild (a pinned devDependency), never Docker. The AWS SDK v3 is
// bundled rather than taken from the runtime: the code then runs the exact SDK release the lock
// file pins and the tests ran (the store relies on its error classes and marshalling), whatever
// release AWS has put in the runtime that week, and minified ES modules load faster than the
// runtime's full copy. The cost is about 0.3 MB per zip.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where bundled files land in the function: its task root. */
export const TASK_ROOT = '/var/task';
/** The monitor config's file name inside the bundles (FANPULSE_CONFIG_FILE points at it). */
export const BUNDLED_CONFIG = 'fanpulse.config.json';

export interface HouseFunctionProps {
  /** The handler module, relative to the project root, e.g. `lambdas/handlers/poll.ts` (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** Required: every function states its own budget. */
  readonly timeout: Duration;
  /** Required, in MB: every function states its own budget. */
  readonly memorySize: number;
  /**
   * Extra environment variables.
   * @default - only the house variables (Powertools service name and log level, source maps)
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Files copied into the bundle, by name in the bundle → absolute source path (e.g. the validated
   * monitor config). They change the asset hash, so editing one redeploys the code.
   * @default - none
   */
  readonly bundledFiles?: Readonly<Record<string, string>>;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * The `service` of its logs and metrics (Powertools).
   * @default - the stack's name
   */
  readonly serviceName?: string;
}

export class HouseFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Logs are operational, not the monitor's data: they go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role, allowed to write only its own log group (not AWSLambdaBasicExecutionRole's
    // logs:* on every log group); grants add the rest.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? Stack.of(scope).stackName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Stack traces in the logs point at lambdas/**/*.ts lines.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Source maps name the files and lines; their text would double the zip.
        sourcesContent: false,
        bundleAwsSDK: true,
        // Some dependencies are CommonJS and call require() for Node built-ins, which an ES module
        // bundle has no binding for.
        banner: "import { createRequire as __fanpulseCreateRequire } from 'node:module'; const require = __fanpulseCreateRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => Object.entries(props.bundledFiles ?? {}).map(([name, source]) => copyCommand(source, join(outputDir, name))),
        },
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'Node.js 22 on purpose: the bundles target node22 and the project is tested on it; Lambda supports nodejs22.x until 2027. Moving to a newer runtime is a deliberate, tested upgrade.',
    });
  }
}

/** Copies a file into the bundle, making its folder first (the page's files go under page/). */
function copyCommand(from: string, to: string): string {
  const folder = dirname(to);
  return process.platform === 'win32' ? `(if not exist "${folder}" mkdir "${folder}") && copy /Y "${from}" "${to}"` : `mkdir -p "${folder}" && cp "${from}" "${to}"`;
}

/**
 * The DynamoDB actions the store sends (lambdas/adapters/dynamo-store.ts), and no others: no streams,
 * no DescribeTable (the Lambdas never check or create the table); Scan only for the poll function,
 * whose recount event reads every stored post of a period once. The handler tests
 * record what the store really sends and hold it to these lists.
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
  'read-write': ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'],
} as const;

/** Grants the function the table and tells it which table, together, so one is never without the other. */
export function useTable(fn: HouseFunction, table: ITable, access: keyof typeof TABLE_ACTIONS): void {
  table.grant(fn, ...TABLE_ACTIONS[access]);
  fn.addEnvironment('FANPULSE_TABLE', table.tableName);
}
