// A vertical bar chart of hourly counts for a terminal: one column per hour, eighth-block
// characters for resolution, a y-axis labelled with the peak and a time axis ticked at UTC midnight.
// Pure: the same points always give the same text.

export interface HourlyValue {
  /** ISO start of the UTC hour. */
  hourStart: string;
  value: number;
}

export interface ChartOptions {
  /** Rows of bars. @default 8 */
  height?: number;
}

/** Index i holds a bar filled to (i + 1) eighths of a row. */
const EIGHTHS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Renders hourly values as a bar chart, oldest on the left. Every non-zero value shows at least an
 * eighth of a row, so a single mention is never lost next to a spike of thirty.
 */
export function renderHourlyChart(points: readonly HourlyValue[], options: ChartOptions = {}): string {
  const height = options.height ?? 8;
  if (!Number.isInteger(height) || height < 1) throw new RangeError(`height must be a whole number of rows >= 1, got ${height}`);
  if (points.length === 0) return '(no data)\n';
  const peak = Math.max(...points.map((p) => p.value));
  // An all-zero series still needs a scale; 1 keeps the labels honest (nothing reaches it).
  const top = peak > 0 ? peak : 1;
  const eighths = points.map((p) => (p.value > 0 ? Math.max(1, Math.round((p.value / top) * height * 8)) : 0));

  const labelWidth = Math.max(String(top).length, 1);
  const rows: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    const bars = eighths.map((e) => {
      const fill = Math.min(8, e - row * 8);
      return fill > 0 ? EIGHTHS[fill - 1]! : ' ';
    });
    const axis = row === height - 1 ? `${String(top).padStart(labelWidth)} ┤` : `${' '.repeat(labelWidth)} │`;
    rows.push((axis + bars.join('')).trimEnd());
  }

  const ticks = points.flatMap((p, index) => {
    const ms = Date.parse(p.hourStart);
    const date = new Date(ms);
    return date.getUTCHours() === 0 && date.getUTCMinutes() === 0 ? [{ index, label: `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}` }] : [];
  });
  const tickAt = new Set(ticks.map((t) => t.index));
  rows.push(`${'0'.padStart(labelWidth)} └${points.map((_, i) => (tickAt.has(i) ? '┬' : '─')).join('')}`);

  // Labels start under their tick; one that would run into the previous label or past the chart is left out.
  let labels = '';
  for (const { index, label } of ticks) {
    if (index < labels.length + (labels.length > 0 ? 1 : 0) || index + label.length > points.length) continue;
    labels = labels.padEnd(index) + label;
  }
  if (labels) rows.push(' '.repeat(labelWidth + 2) + labels);
  return rows.join('\n') + '\n';
}
