// `fanpulse alerts`: the spikes that were detected, and whether they were delivered.

import { readAlerts } from '../../query/read.ts';
import { alertsParamsSchema, parseParams } from '../../query/params.ts';
import type { SpikeAlert } from '../../core/types.ts';
import { clock, withStore, type CommonOptions } from '../context.ts';
import { fixed, renderJson, renderTable, type Column } from '../../query/format.ts';

const columns: Column<SpikeAlert>[] = [
  { header: 'topic', value: (a) => a.topic },
  { header: 'kind', value: (a) => a.kind },
  { header: 'windowStart', value: (a) => a.windowStart },
  { header: 'windowEnd', value: (a) => a.windowEnd },
  { header: 'count', value: (a) => a.count, numeric: true },
  { header: 'baseline', value: (a) => fixed(a.baseline, 1), numeric: true },
  { header: 'pValue', value: (a) => a.pValue.toExponential(1), numeric: true },
  { header: 'status', value: (a) => a.status },
  { header: 'topPost', value: (a) => a.topPosts[0]?.link ?? a.topPosts[0]?.title ?? '' },
];

export async function run(options: CommonOptions & Record<string, string | undefined>): Promise<string> {
  const { config: _config, dataDir: _dataDir, now: _now, ...flags } = options;
  const params = parseParams(alertsParamsSchema, flags);
  const now = clock(options);
  const alerts = await withStore(options, (store) => readAlerts(store, params, now));
  return params.format === 'json' ? renderJson(alerts) : renderTable(alerts, columns);
}
