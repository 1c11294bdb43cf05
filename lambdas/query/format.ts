// Output formats shared by the commands: aligned plain-text tables, CSV, JSON.

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null;
  /** Right-align (numbers). */
  numeric?: boolean;
}

const cell = (value: string | number | null) => (value === null ? '' : String(value));

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (columns[i]!.numeric ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** RFC 4180: quote fields with commas, quotes or line breaks. */
export function renderCsv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const lines = [columns.map((c) => quote(c.header)), ...rows.map((row) => columns.map((c) => quote(cell(c.value(row)))))];
  return lines.map((fields) => fields.join(',')).join('\n') + '\n';
}

export const renderJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Fixed decimals without "-0.00". */
export const fixed = (value: number, digits = 2) => (Math.abs(value) < 0.5 * 10 ** -digits ? 0 : value).toFixed(digits);
