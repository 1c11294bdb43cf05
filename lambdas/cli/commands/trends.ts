// `fanpulse trends`: volume, sentiment and petition mentions per hour or day.

import { planTrends, readPlannedTrends } from '../../query/read.ts';
import { parseParams, trendsParamsSchema } from '../../query/params.ts';
import { clock, dataDir, readConfig, withStore, type CommonOptions } from '../context.ts';
import { noteStoreContents } from '../store-notes.ts';
import { renderCsv, renderJson, renderTable } from '../../query/format.ts';
import { trendColumns as columns, trendTableColumns } from '../../query/trend-columns.ts';
import { renderTrendCharts } from '../../query/trend-chart.ts';

export async function run(options: CommonOptions & Record<string, string | undefined>): Promise<string> {
  const { config: _config, dataDir: _dataDir, now: _now, ...flags } = options;
  const params = parseParams(trendsParamsSchema, flags);
  const config = await readConfig(options);
  const now = clock(options);
  const plan = planTrends(config, params, now); // a bad topic or range fails before the store starts
  const buckets = await withStore(options, async (store, connection) => (await noteStoreContents(connection, config, dataDir(options)), readPlannedTrends(store, plan, params.bucket)));
  if (params.format === 'json') return renderJson(buckets);
  if (params.format === 'csv') return renderCsv(buckets, columns);
  if (params.format === 'chart') return renderTrendCharts(buckets, config, params.bucket);
  // A table is for reading: hours nobody posted in are left out (JSON and CSV keep them for charts).
  const active = buckets.filter((b) => b.posts > 0);
  const hidden = buckets.length - active.length;
  const readable = trendTableColumns(params.bucket, { topic: plan.topics.length > 1, source: plan.source !== undefined });
  return renderTable(active, readable) + (hidden > 0 ? `(${hidden} empty ${params.bucket}s not shown; use --format json or csv for the full series)\n` : '');
}
