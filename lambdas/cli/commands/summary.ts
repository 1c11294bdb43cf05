// `fanpulse summary`: per topic the last days, the latest alert, and the sources needing attention.

import { parseParams, summaryParamsSchema } from '../../query/params.ts';
import { readSummary, type CampaignSummary } from '../../query/summary.ts';
import { fixed, renderJson, renderTable } from '../../query/format.ts';
import { bucketLabel, trendTableColumns } from '../../query/trend-columns.ts';
import { clock, dataDir, readConfig, withStore, type CommonOptions } from '../context.ts';
import { noteStoreContents } from '../store-notes.ts';

export async function run(options: CommonOptions & Record<string, string | undefined>): Promise<string> {
  const { config: _config, dataDir: _dataDir, now: _now, ...flags } = options;
  const params = parseParams(summaryParamsSchema, flags);
  const config = await readConfig(options);
  const now = clock(options);
  const summary = await withStore(options, async (store, connection) => (await noteStoreContents(connection, config, dataDir(options)), readSummary(store, config, params, now)));
  return params.format === 'json' ? renderJson(summary) : renderSummary(summary);
}

function renderSummary(summary: CampaignSummary): string {
  const columns = trendTableColumns('day', { topic: false, source: false });
  const topics = summary.topics.map(({ topic, name, days, latestAlert }) => {
    const total = days.reduce((n, d) => n + d.posts, 0);
    const petition = days.reduce((n, d) => n + d.petitionMentions, 0);
    const alert = latestAlert
      ? `latest alert (${latestAlert.kind}): ${latestAlert.count} mentions from ${bucketLabel(latestAlert.windowStart, 'hour')} UTC, where about ${fixed(latestAlert.baseline, 1)} is usual; ${latestAlert.status}`
      : 'no alert in the last 90 days';
    return [`${name} (${topic}): ${total} posts, ${petition} petition mentions`, renderTable(days, columns).trimEnd(), alert, ''].join('\n');
  });
  const sources =
    summary.sourcesNeedingAttention.length === 0
      ? ['every source is healthy']
      : [
          'sources needing attention (details: fanpulse sources):',
          ...summary.sourcesNeedingAttention.map((s) => `  ${s.sourceId} (${s.type}): ${whatToDo(s)}`),
        ];
  return [...topics, ...sources, ''].join('\n');
}

function whatToDo(source: CampaignSummary['sourcesNeedingAttention'][number]): string {
  switch (source.health) {
    case 'needs-credentials':
      return source.lastError ?? 'needs credentials';
    case 'never-polled':
      return 'not polled yet: run fanpulse poll';
    case 'failing':
      return `failing ${source.consecutiveFailures}× (${source.lastErrorKind}): ${source.lastError}`;
    default:
      return `${source.rejected} unreadable item(s), latest: ${source.lastRejection}`;
  }
}
