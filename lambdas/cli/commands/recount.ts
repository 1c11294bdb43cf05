// `fanpulse recount [--since 30d]`: after a config change, the stored posts of the period matched
// again against the current topics and their buckets rebuilt exactly (core/recount.ts).

import { runRecount, type RecountReport } from '../../core/recount.ts';
import { parseTimeParam, recountParamsSchema } from '../../query/params.ts';
import { localProcess } from '../local-process.ts';
import { commandOptions } from '../options.ts';
import { clock, cliLog, readConfig, withStore, type CommonOptions } from '../context.ts';

export async function run(options: CommonOptions & Record<string, unknown>): Promise<string> {
  const { since } = commandOptions(recountParamsSchema, options);
  const config = await readConfig(options);
  const now = clock(options);
  const sinceMs = parseTimeParam(since, now)!;
  const report = await withStore(options, (store) => runRecount({ config, store, now, log: cliLog, localProcess: localProcess(), sinceMs }));
  return describeRecount(report);
}

export function describeRecount(report: RecountReport): string {
  const lines = [`recount ${report.since} → ${report.until}: ${report.postsRead} stored posts matched against this config`];
  for (const t of report.topics) {
    lines.push(
      t.hoursRebuilt === 0
        ? `  ${t.topic}: unchanged`
        : `  ${t.topic}: ${t.hoursRebuilt} hour(s) rebuilt, ${t.postsAdded} post(s) added, ${t.postsRemoved} removed`,
    );
    if (t.hoursKept.length > 0) lines.push(`  ${t.topic}: ${t.hoursKept.length} hour(s) left as they were (posts they counted have expired): ${t.hoursKept.join(', ')}`);
  }
  if (report.postsNotRematched > 0) {
    lines.push(`  note: ${report.postsNotRematched} post(s) stored by an older fanpulse (without their sources and whole text) keep counting as they were`);
  }
  return `${lines.join('\n')}\n`;
}
