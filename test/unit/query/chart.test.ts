import { describe, expect, it } from 'vitest';
import { renderHourlyChart, type HourlyValue } from '../../../lambdas/query/chart.ts';

/** Consecutive hours from `start`, one per value. */
const hours = (start: string, values: number[]): HourlyValue[] =>
  values.map((value, i) => ({ hourStart: new Date(Date.parse(start) + i * 3_600_000).toISOString(), value }));

describe('renderHourlyChart', () => {
  it('scales bars to the peak in eighths of a row, with the peak and zero on the y-axis', () => {
    // Peak 4 over 2 rows = 16 eighths: 1 → 4 eighths (▄), 2 → 8 (one full row), 4 → 16 (both rows).
    const chart = renderHourlyChart(hours('2025-03-26T20:00:00Z', [0, 1, 2, 4]), { height: 2 });
    expect(chart).toBe(['4 ┤   █', '  │ ▄██', '0 └────', ''].join('\n'));
  });

  it('ticks the time axis at UTC midnight and labels the day under the tick', () => {
    // Midnight is the third hour (index 2); "Mar 27" (6 characters) fits in the 12 columns.
    const chart = renderHourlyChart(hours('2025-03-26T22:00:00Z', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), { height: 1 });
    expect(chart).toBe(['1 ┤█          █', '0 └──┬─────────', '     Mar 27', ''].join('\n'));
  });

  it('leaves out a day label that would run past the right edge of the chart', () => {
    // Midnight is the last but one of four hours: "Mar 27" would need 6 columns from there.
    const chart = renderHourlyChart(hours('2025-03-26T22:00:00Z', [0, 0, 1, 0]), { height: 1 });
    expect(chart).toBe(['1 ┤  █', '0 └──┬─', ''].join('\n'));
  });

  it('shows a single mention next to a spike as the smallest bar, never as nothing', () => {
    // 1/100 of one row rounds to 0 eighths; it is shown as one eighth (▁) rather than dropped.
    const chart = renderHourlyChart(hours('2025-03-27T10:00:00Z', [1, 100, 0]), { height: 1 });
    expect(chart).toBe(['100 ┤▁█', '  0 └───', ''].join('\n'));
  });

  it('draws an all-zero series as an empty chart on a scale of 1', () => {
    expect(renderHourlyChart(hours('2025-03-27T10:00:00Z', [0, 0]), { height: 2 })).toBe(['1 ┤', '  │', '0 └──', ''].join('\n'));
  });

  it('fits three days of hours in an 80-column terminal', () => {
    const values = Array.from({ length: 72 }, (_, i) => (i === 71 ? 30 : i % 5 === 0 ? 1 : 0));
    const lines = renderHourlyChart(hours('2025-03-24T15:00:00Z', values)).trimEnd().split('\n');
    // 8 rows of bars, the time axis and the day labels (Mar 25, 26 and 27 at hours 9, 33 and 57).
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)!.trim().split(/\s+/)).toEqual(['Mar', '25', 'Mar', '26', 'Mar', '27']);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('says there is no data rather than drawing an empty frame', () => {
    expect(renderHourlyChart([])).toBe('(no data)\n');
  });

  it('rejects a height that is not a whole number of rows', () => {
    expect(() => renderHourlyChart(hours('2025-03-27T10:00:00Z', [1]), { height: 0 })).toThrow(RangeError);
  });
});
