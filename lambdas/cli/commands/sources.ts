// `fanpulse sources`: each source's health, last success, last error, items seen and items it could not read.

import { readSources } from '../../query/read.ts';
import { parseParams, sourcesParamsSchema } from '../../query/params.ts';
import { readConfig, withStore, type CommonOptions } from '../context.ts';
import { renderJson, renderTable, type Column } from '../../query/format.ts';

type Row = Awaited<ReturnType<typeof readSources>>[number];

const columns: Column<Row>[] = [
  { header: 'source', value: (s) => s.sourceId },
  { header: 'type', value: (s) => s.type },
  { header: 'health', value: (s) => s.health },
  { header: 'lastSuccess', value: (s) => s.lastSuccess ?? 'never' },
  { header: 'itemsSeen', value: (s) => s.itemsSeen, numeric: true },
  { header: 'unreadable', value: (s) => s.rejected, numeric: true },
  { header: 'failures', value: (s) => s.consecutiveFailures, numeric: true },
  { header: 'lastError', value: (s) => (s.lastError ? `${s.lastErrorKind}: ${s.lastError}` : '') },
  { header: 'notes', value: (s) => [s.detail, s.lastRejection ? `last unreadable item: ${s.lastRejection}` : null].filter(Boolean).join('; ') },
];

export async function run(options: CommonOptions & Record<string, string | undefined>): Promise<string> {
  const { config: _config, dataDir: _dataDir, now: _now, ...flags } = options;
  const params = parseParams(sourcesParamsSchema, flags);
  const config = await readConfig(options);
  const sources = await withStore(options, (store) => readSources(store, config));
  return params.format === 'json' ? renderJson(sources) : renderTable(sources, columns);
}
