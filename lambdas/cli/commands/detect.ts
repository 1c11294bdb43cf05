// `fanpulse detect --series FILE`: replays one kind of alert with the configured parameters over an
// hourly series, as hourly passes would have run it (cooldown included), to tune the settings
// before a campaign depends on them. The series is what `fanpulse trends --format csv` writes, or
// a `timestamp,count` file from elsewhere (petition-spike and volume-spike only).

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { ALERT_KINDS } from '../../config/notify-schema.ts';
import type { Config } from '../../config/schema.ts';
import { backtestNegativity, type NegativityFinding } from '../../core/alert-kinds/negativity-surge.ts';
import { PETITION_COLUMN } from '../../core/alert-kinds/petition-spike.ts';
import { VOLUME_COLUMN } from '../../core/alert-kinds/volume-spike.ts';
import { backtest, type SpikeFinding } from '../../core/detect.ts';
import { UsageError } from '../../core/errors.ts';
import { parseReplaySeries, TREND_COUNT_COLUMNS, type ReplaySeries, type TrendHour } from '../../core/trend-series.ts';
import type { AlertKind } from '../../core/types.ts';
import { parseParams } from '../../query/params.ts';
import { fixed, renderJson, renderTable, type Column } from '../../query/format.ts';
import { readConfig, type CommonOptions } from '../context.ts';

export const detectParamsSchema = z.strictObject({
  series: z.string({ error: 'give --series FILE, the hourly series to replay (fanpulse trends --bucket hour --format csv > series.csv)' }).min(1),
  kind: z.enum(ALERT_KINDS, { error: `must be ${ALERT_KINDS.map((k) => `"${k}"`).join(', ')}` }).default('petition-spike'),
  /** The trends column a spike kind counts; default petitionMentions (petition-spike) or posts (volume-spike). */
  column: z.enum(TREND_COUNT_COLUMNS, { error: `must be one of the trends CSV's count columns: ${TREND_COUNT_COLUMNS.join(', ')}` }).optional(),
  /** One topic of a trends CSV that holds several; all of them when absent. */
  topic: z.string().min(1).optional(),
  format: z.enum(['json', 'table'], { error: 'must be "json" or "table"' }).default('json'),
});

type DetectParams = z.output<typeof detectParamsSchema>;

/** A replayed alert: the fields of `fanpulse alerts` JSON, and the numbers each kind explains itself with. */
type Row = { topic: string; kind: AlertKind } & (SpikeFinding | NegativityFinding);

export async function run(options: CommonOptions & Record<string, string | undefined>): Promise<string> {
  const { config: _config, dataDir: _dataDir, now: _now, ...flags } = options;
  const params = parseParams(detectParamsSchema, flags);
  const config = await readConfig(options);
  let text: string;
  try {
    text = await readFile(params.series, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read --series ${params.series}: ${(cause as Error).message}`, { cause });
  }
  const series = parseReplaySeries(text);
  const rows = replay(series, params, config);
  if (params.format === 'json') return renderJson(rows);
  const manyTopics = series.format === 'trends' && params.topic === undefined && series.topics.size > 1;
  return renderTable(rows, columns(params.kind, manyTopics)) + `${rows.length} alert(s)\n`;
}

function replay(series: ReplaySeries, params: DetectParams, config: Config): Row[] {
  const { kind } = params;
  if (kind === 'negativity-surge' && params.column) {
    throw new UsageError('--column: negativity-surge reads the negative and posts columns of a trends CSV; leave --column out');
  }
  if (series.format === 'counts') {
    if (kind === 'negativity-surge') {
      throw new UsageError(`--kind negativity-surge needs the posts and negative columns: export the series with fanpulse trends --bucket hour --format csv (${params.series} is timestamp,count)`);
    }
    if (params.column || params.topic) {
      throw new UsageError(`--${params.column ? 'column' : 'topic'} picks from a trends CSV; ${params.series} is a timestamp,count file`);
    }
    // A timestamp,count file stands for one topic; its name is the topic in the output.
    const topic = basename(params.series, extname(params.series));
    return spikeRows(topic, kind, backtest(series.hours, spikeSettings(kind, config)));
  }
  const topics = pickTopics(series.topics, params.topic);
  return [...topics].flatMap(([topic, hours]) => {
    if (kind === 'negativity-surge') {
      const shares = hours.map(({ hourStart, posts, negative }) => ({ hourStart, posts, negative }));
      return backtestNegativity(shares, config.alerts.negativitySurge).map(({ windowStart, windowEnd, count, baseline, threshold, pValue, posts, share, usualShare }) => ({
        topic,
        kind,
        windowStart,
        windowEnd,
        count,
        baseline,
        threshold,
        pValue,
        posts,
        share,
        usualShare,
      }));
    }
    const column = params.column ?? (kind === 'volume-spike' ? VOLUME_COLUMN : PETITION_COLUMN);
    const counts = hours.map((h: TrendHour) => ({ hourStart: h.hourStart, count: h[column] }));
    // The export lists every hour from its --since: history starts at its first row, zeros and all.
    return spikeRows(topic, kind, backtest(counts, spikeSettings(kind, config), { historyStart: hours[0]!.hourStart }));
  });
}

const spikeSettings = (kind: AlertKind, config: Config) => (kind === 'volume-spike' ? config.alerts.volumeSpike : config.alerts);

const spikeRows = (topic: string, kind: AlertKind, findings: SpikeFinding[]): Row[] => findings.map((finding) => ({ topic, kind, ...finding }));

function pickTopics(topics: Map<string, TrendHour[]>, wanted: string | undefined): Map<string, TrendHour[]> {
  if (wanted === undefined) return topics;
  const hours = topics.get(wanted);
  if (!hours) throw new UsageError(`--topic ${wanted}: the series holds ${[...topics.keys()].join(', ')}`);
  return new Map([[wanted, hours]]);
}

/** The table's columns; the topic only when the series held several. */
function columns(kind: AlertKind, manyTopics: boolean): Column<Row>[] {
  const shared: Column<Row>[] = [
    ...(manyTopics ? [{ header: 'topic', value: (r: Row) => r.topic }] : []),
    { header: 'windowStart', value: (r) => r.windowStart },
    { header: 'windowEnd', value: (r) => r.windowEnd },
    { header: 'count', value: (r) => r.count, numeric: true },
    { header: 'baseline', value: (r) => fixed(r.baseline, 1), numeric: true },
    { header: 'threshold', value: (r) => r.threshold, numeric: true },
    { header: 'pValue', value: (r) => r.pValue.toExponential(1), numeric: true },
  ];
  const percent = (share: number) => `${fixed(100 * share, 0)}%`;
  if (kind === 'negativity-surge') {
    return [
      ...shared,
      { header: 'posts', value: (r) => ('posts' in r ? r.posts : null), numeric: true },
      { header: 'share', value: (r) => ('share' in r ? percent(r.share) : null), numeric: true },
      { header: 'usual', value: (r) => ('usualShare' in r ? percent(r.usualShare) : null), numeric: true },
    ];
  }
  return [...shared, { header: 'basis', value: (r) => ('basis' in r ? r.basis : null) }];
}
