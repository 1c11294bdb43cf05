// `fanpulse alerts`: the spikes that were detected, and where each channel stands with them.

import type { AlertWithDeliveries } from '../../query/answers.ts';
import { readAlertsWithDeliveries } from '../../query/read.ts';
import { alertsParamsSchema, parseParams } from '../../query/params.ts';
import type { ChannelDelivery } from '../../core/types.ts';
import { clock, withStore, type CommonOptions } from '../context.ts';
import { fixed, renderJson, renderTable, type Column } from '../../query/format.ts';

const minute = (instant: string) => `${instant.slice(0, 16)}Z`;

/** "sink sent 2026-12-01T09:00Z", "discord:… deferred 2026-12-01T09:15Z (retry after 09:35Z)", "slack:… dead 2026-12-01T09:15Z". */
export function describeDelivery(d: ChannelDelivery): string {
  const retry = d.status === 'deferred' && d.retryAt ? ` (retry after ${minute(d.retryAt).slice(11)})` : '';
  return `${d.channel} ${d.status} ${minute(d.at)}${retry}`;
}

const columns: Column<AlertWithDeliveries>[] = [
  { header: 'topic', value: (a) => a.topic },
  { header: 'kind', value: (a) => a.kind },
  { header: 'windowStart', value: (a) => a.windowStart },
  { header: 'windowEnd', value: (a) => a.windowEnd },
  { header: 'count', value: (a) => a.count, numeric: true },
  { header: 'baseline', value: (a) => fixed(a.baseline, 1), numeric: true },
  { header: 'pValue', value: (a) => a.pValue.toExponential(1), numeric: true },
  { header: 'status', value: (a) => a.status },
  { header: 'channels', value: (a) => (a.deliveries.length === 0 ? 'not tried yet' : a.deliveries.map(describeDelivery).join('; ')) },
  { header: 'topPost', value: (a) => a.topPosts[0]?.link ?? a.topPosts[0]?.title ?? '' },
];

export async function run(options: CommonOptions & Record<string, string | undefined>): Promise<string> {
  const { config: _config, dataDir: _dataDir, now: _now, ...flags } = options;
  const params = parseParams(alertsParamsSchema, flags);
  const now = clock(options);
  const alerts = await withStore(options, (store) => readAlertsWithDeliveries(store, params, now));
  return params.format === 'json' ? renderJson(alerts) : renderTable(alerts, columns);
}
