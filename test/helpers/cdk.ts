// Synthesises fanpulse as `cdk synth` does (cdk.json's feature flags plus `-c` context), in-process,
// for the assertion tests under test/infra/; and bare stacks for testing one construct at a time.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createFanpulseApp } from '../../lib/app.ts';
import { PROJECT_ROOT } from '../../lib/constructs/node-function.ts';

const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

/** The whole app with `-c` context (strings, as the CLI passes them): bundled, validated, cdk-nag checked. */
export async function synthFanpulse(context: Record<string, string> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'fanpulse-cdk-'));
  const { app, stack } = await createFanpulseApp({
    outdir,
    context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true, ...context },
  });
  // Throws with cdk-nag's report if any AwsSolutions finding is not acknowledged.
  const assembly = app.synth();
  return { app, stack, assembly, outdir, template: Template.fromStack(stack) };
}

/** What cdk-nag's AwsSolutions pack concluded for a synthesised cloud assembly (its validation report). */
export function awsSolutionsReport(assemblyDir: string) {
  const report = JSON.parse(readFileSync(join(assemblyDir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations: { ruleName: string; reason: string; acknowledgedAt: string }[] }[];
  };
  return report.pluginReports.find((p) => p.pluginName === 'AwsSolutions')!;
}

/**
 * A bare stack for one construct, with the project's feature flags. Lambda code is not bundled
 * (the whole-stack tests bundle and run it), so these stay fast.
 */
export function constructStack(): Stack {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Test');
}

/** Every action of every identity-policy statement in the template, by policy logical id. */
export function policyActions(template: Template): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, resource] of Object.entries(template.findResources(type))) {
      const statements = (resource.Properties.PolicyDocument.Statement ?? []) as { Action: string | string[] }[];
      out.set(id, statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
    }
  }
  return out;
}
