// One time-series panel: a uPlot chart (drawn for the eye) with the same numbers in a real <table>
// (for screen readers, keyboards and copying), and the alerts as markers on the timeline: a band
// over each alert's window and a button on it (click or Enter opens the alert).

import uPlot from 'uplot';
import type { AlertWithDeliveries, TrendBucket } from './api.ts';
import { h } from './dom.ts';
import type { Grid } from './series.ts';
import { formatBucket, formatLocal, timeElement } from './time.ts';

// Tableau 10: distinct hues that stay apart for most colour-blind readers; dashes after ten series.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const DASHES = [[], [6, 3], [2, 3]];

export interface ChartSpec {
  /** Says what the chart shows, for its label and its table's caption. */
  caption: string;
  grid: Grid;
  value: (bucket: TrendBucket) => number | null;
  format: (value: number) => string;
  /** Series key → what readers see (topic names, "topic · source"). */
  label: (key: string) => string;
  bucket: 'hour' | 'day';
  alerts: readonly AlertWithDeliveries[];
  onAlert: (alert: AlertWithDeliveries) => void;
  /** Fixed y range (net sentiment is −1..+1); default fits the data. */
  yRange?: [number, number];
  /** Dots on every value, for series with gaps (a lone hour between gaps has no line to show it). */
  points?: boolean;
}

const alertLabel = (alert: AlertWithDeliveries) => `${alert.topicName}: ${alert.count} petition mentions, ${formatLocal(alert.windowStart)}`;

/** The figure (chart + table); call the returned `destroy` before replacing it. */
export function renderChart(spec: ChartSpec): { element: HTMLElement; draw: () => void; destroy: () => void } {
  const { grid } = spec;
  const plot = h('div', { class: 'plot' });
  const markers = h('div', { class: 'markers', role: 'group', 'aria-label': 'Alerts on this timeline' });
  const element = h('figure', { class: 'chart' }, plot, dataTable(spec));
  let chart: uPlot | undefined;
  let resize: ResizeObserver | undefined;
  let destroyed = false;

  /** Draws the chart (once); nothing after `destroy`, so a deferred draw of a replaced chart is harmless. */
  const draw = () => {
    if (destroyed || chart) return;
    const times = grid.times.map((t) => Date.parse(t) / 1000);
    const data: uPlot.AlignedData = [times, ...grid.series.map((s) => s.buckets.map((b) => (b ? spec.value(b) : null)))];
    const width = Math.max(plot.clientWidth, 280);
    chart = new uPlot(
      {
        width,
        height: width < 500 ? 200 : 260,
        // Day buckets are UTC days: label them as such, not as the local evening before.
        ...(spec.bucket === 'day' ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') } : {}),
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, ...(spec.yRange ? { y: { range: spec.yRange } } : {}) },
        axes: [{}, { values: (_u, ticks) => ticks.map(spec.format) }],
        series: [
          { value: (_u, v) => (v === null ? '—' : formatBucket(new Date(v * 1000).toISOString(), spec.bucket)) },
          ...grid.series.map((s, i) => ({
            label: spec.label(s.key),
            stroke: PALETTE[i % PALETTE.length]!,
            dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length]!,
            width: 2,
            points: { show: spec.points || grid.times.length <= 60, size: 4 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : spec.format(v)),
          })),
        ],
        hooks: { draw: [(u) => drawAlerts(u, spec, markers)] },
      },
      data,
      plot,
    );
    // The canvas is the picture; the markers sit over it (in uPlot's positioned wrapper) and stay
    // reachable by keyboard; the legend repeats the table, so screen readers skip it.
    chart.ctx.canvas.setAttribute('role', 'img');
    chart.ctx.canvas.setAttribute('aria-label', `Chart: ${spec.caption}. The data table below holds the same numbers.`);
    chart.root.querySelector('.u-legend')?.setAttribute('aria-hidden', 'true');
    chart.root.querySelector('.u-wrap')!.append(markers);
    drawAlerts(chart, spec, markers);
    // A click on the plot opens the alert whose window holds the bucket under the cursor.
    chart.over.addEventListener('click', () => {
      const idx = chart?.cursor.idx;
      if (idx === null || idx === undefined) return;
      const start = Date.parse(grid.times[idx]!);
      const end = start + (spec.bucket === 'day' ? 86_400_000 : 3_600_000);
      const hit = spec.alerts.find((a) => Date.parse(a.windowStart) < end && Date.parse(a.windowEnd) > start);
      if (hit) spec.onAlert(hit);
    });
    resize = new ResizeObserver(() => {
      const w = Math.max(plot.clientWidth, 280);
      if (chart && Math.abs(w - chart.width) > 4) chart.setSize({ width: w, height: w < 500 ? 200 : 260 });
    });
    resize.observe(plot);
  };
  return { element, draw, destroy: () => ((destroyed = true), resize?.disconnect(), chart?.destroy()) };
}

/** Bands over the alert windows and one focusable marker per alert, kept in place on every redraw. */
function drawAlerts(u: uPlot, spec: ChartSpec, markers: HTMLElement): void {
  const [min, max] = [u.scales.x!.min!, u.scales.x!.max!];
  const inView = spec.alerts.filter((a) => Date.parse(a.windowEnd) / 1000 >= min && Date.parse(a.windowStart) / 1000 <= max);
  const { ctx, bbox } = u;
  ctx.save();
  ctx.fillStyle = 'rgba(214, 39, 40, 0.16)';
  for (const alert of inView) {
    const x0 = u.valToPos(Math.max(Date.parse(alert.windowStart) / 1000, min), 'x', true);
    const x1 = u.valToPos(Math.min(Date.parse(alert.windowEnd) / 1000, max), 'x', true);
    ctx.fillRect(x0, bbox.top, Math.max(x1 - x0, 3 * devicePixelRatio), bbox.height);
  }
  ctx.restore();
  if (inView.length === 0 && !markers.firstChild) return;
  // uPlot places its overlay with inline px: read them, not offsetLeft, which would force a layout per draw.
  const [left, top] = [parseFloat(u.over.style.left) || 0, parseFloat(u.over.style.top) || 0];
  const existing = new Map([...markers.querySelectorAll<HTMLButtonElement>('button')].map((b) => [b.dataset.alert!, b]));
  for (const alert of inView) {
    const id = `${alert.topic}|${alert.windowStart}`;
    let button = existing.get(id);
    existing.delete(id);
    if (!button) {
      button = h('button', { type: 'button', class: 'marker', 'data-alert': id, 'data-focus': `marker:${spec.caption}:${id}`, 'aria-label': `Alert — ${alertLabel(alert)}`, title: alertLabel(alert) }, '▲');
      button.addEventListener('click', () => spec.onAlert(alert));
      markers.append(button);
    }
    const mid = (Date.parse(alert.windowStart) + Date.parse(alert.windowEnd)) / 2000;
    button.style.left = `${left + u.valToPos(Math.min(Math.max(mid, min), max), 'x')}px`;
    button.style.top = `${top}px`;
  }
  for (const stale of existing.values()) stale.remove();
}

/**
 * The numbers behind the chart, built when first opened: a month by hour over ten topics is
 * thousands of cells, and building them before the chart is drawn would delay it.
 */
function dataTable(spec: ChartSpec): HTMLElement {
  const box = h('div', { class: 'scroll' });
  const details = h('details', { class: 'data' }, h('summary', {}, 'Data table'), box);
  details.addEventListener('toggle', () => {
    if (details.open && !box.firstChild) box.append(tableOf(spec));
  });
  return details;
}

function tableOf(spec: ChartSpec): HTMLElement {
  const { grid } = spec;
  const table = h(
    'table',
    {},
    h('caption', {}, spec.caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, spec.bucket === 'day' ? 'Day (UTC)' : 'Hour'), grid.series.map((s) => h('th', { scope: 'col' }, spec.label(s.key))))),
    h(
      'tbody',
      {},
      grid.times.map((time, i) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, timeElement(time, spec.bucket)),
          grid.series.map((s) => {
            const bucket = s.buckets[i];
            const value = bucket ? spec.value(bucket) : null;
            return h('td', {}, value === null ? '—' : spec.format(value));
          }),
        ),
      ),
    ),
  );
  return table;
}
