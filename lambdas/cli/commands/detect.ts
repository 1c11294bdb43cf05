// `fanpulse detect --series FILE.csv`: replays the spike detector with the configured parameters
// over a timestamp,count series, to tune thresholds before a real campaign depends on them.

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { backtest } from '../../core/detect.ts';
import { UsageError } from '../../core/errors.ts';
import { parseSeriesCsv } from '../../core/series.ts';
import { readConfig, type CommonOptions } from '../context.ts';
import { fixed, renderJson, renderTable, type Column } from '../../query/format.ts';

interface DetectOptions extends CommonOptions {
  series: string;
  format?: 'json' | 'table';
}

type Row = ReturnType<typeof backtest>[number] & { topic: string; kind: 'petition-spike' };

const columns: Column<Row>[] = [
  { header: 'windowStart', value: (r) => r.windowStart },
  { header: 'windowEnd', value: (r) => r.windowEnd },
  { header: 'count', value: (r) => r.count, numeric: true },
  { header: 'baseline', value: (r) => fixed(r.baseline, 1), numeric: true },
  { header: 'threshold', value: (r) => r.threshold, numeric: true },
  { header: 'pValue', value: (r) => r.pValue.toExponential(1), numeric: true },
  { header: 'basis', value: (r) => r.basis },
];

export async function run(options: DetectOptions): Promise<string> {
  const config = await readConfig(options);
  let text: string;
  try {
    text = await readFile(options.series, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read --series ${options.series}: ${(cause as Error).message}`, { cause });
  }
  // A series file stands for one topic; its name is the topic in the output.
  const topic = basename(options.series, extname(options.series));
  const rows: Row[] = backtest(parseSeriesCsv(text), config.alerts).map((finding) => ({ topic, kind: 'petition-spike', ...finding }));
  return options.format === 'table' ? renderTable(rows, columns) + `${rows.length} alert(s)\n` : renderJson(rows);
}
