// The dashboard: reads the view from the address bar, asks the query API for what it shows, draws
// it, and keeps it fresh (every minute while the tab is visible). Every panel fails on its own: an
// error in one says what went wrong there and leaves the others standing.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { api, type AlertWithDeliveries, type ConfigAnswer, type SourceStatus, type TrendBucket } from './api.ts';
import { alertList, showAlert } from './alerts.ts';
import { renderChart, type ChartSpec } from './chart.ts';
import { fill, h } from './dom.ts';
import { postList } from './posts.ts';
import { netSentiment, shareOfVoice, toGrid, trendsCsv } from './series.ts';
import { shareTable } from './share.ts';
import { sourcesTable } from './sources.ts';
import { apiRange, readView, trendsQuery, writeView, type View } from './view.ts';

const REFRESH_MS = 60_000;
const POSTS_PER_PAGE = 20;
const FIRST_CHART_MARK = 'fanpulse:first-chart';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const form = $<HTMLFormElement>('#view');
const field = <T extends HTMLElement>(name: string) => form.elements.namedItem(name) as T;
const sections = {
  volume: $('#volume'),
  petition: $('#petition'),
  sentiment: $('#sentiment'),
  share: $('#share'),
  sources: $('#sources'),
  posts: $('#posts'),
  alerts: $('#alert-list'),
  alertDetail: $('#alert-detail'),
};

let view: View = readView(location.search);
let config: ConfigAnswer = { topics: [], sources: [] };
/** Settles once the config's topics and sources are in (asked for alongside the first data, not before it). */
let configReady: Promise<void> = Promise.resolve();
/** The buckets on screen: what "Download CSV" saves. */
let shown: TrendBucket[] = [];
let charts: { draw: () => void; destroy: () => void }[] = [];
let generation = 0;
let lastLoad = 0;
let postsFilter = '';

const topicName = (id: string) => config.topics.find((t) => t.id === id)?.name ?? id;
const seriesLabel = (key: string) => {
  const [topic, source] = key.split(' · ');
  return source ? `${topicName(topic!)} · ${source}` : topicName(topic!);
};
const setStatus = (text: string) => ($('#status').textContent = text);
const panelError = (error: unknown) => h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));

// --- the view form ------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, '0');
/** ISO → the value of a datetime-local input, in the reader's zone. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

function fillOptions(): void {
  const topics = field<HTMLSelectElement>('topic');
  const sources = field<HTMLSelectElement>('source');
  topics.append(...config.topics.map((t) => h('option', { value: t.id }, t.name)));
  sources.append(...config.sources.map((s) => h('option', { value: s.id }, `${s.id} (${s.type})`)));
}

function syncForm(): void {
  field<HTMLSelectElement>('range').value = view.range;
  field<HTMLSelectElement>('bucket').value = view.bucket;
  field<HTMLSelectElement>('topic').value = view.topic ?? '';
  field<HTMLSelectElement>('source').value = view.source ?? '';
  field<HTMLInputElement>('split').checked = view.split;
  $('#custom-range').hidden = view.range !== 'custom';
  if (view.since) field<HTMLInputElement>('since').value = toLocalInput(view.since);
  if (view.until) field<HTMLInputElement>('until').value = toLocalInput(view.until);
}

function readForm(): View {
  const q = new URLSearchParams();
  const range = field<HTMLSelectElement>('range').value;
  q.set('range', range);
  if (range === 'custom') {
    const since = field<HTMLInputElement>('since');
    const until = field<HTMLInputElement>('until');
    // Opening "Custom" starts from the range on screen, so there is always something to adjust.
    if (!since.value || !until.value) {
      const end = Date.now();
      since.value = toLocalInput(new Date(end - 7 * 86_400_000).toISOString());
      until.value = toLocalInput(new Date(end).toISOString());
    }
    q.set('since', new Date(since.value).toISOString());
    q.set('until', new Date(until.value).toISOString());
  }
  // A changed range picks its own bucket unless the reader chose one for it.
  if (range === view.range || (form.dataset.bucketChosen === 'true')) q.set('bucket', field<HTMLSelectElement>('bucket').value);
  for (const name of ['topic', 'source']) if (field<HTMLSelectElement>(name).value) q.set(name, field<HTMLSelectElement>(name).value);
  if (field<HTMLInputElement>('split').checked) q.set('split', 'source');
  return readView(q.toString());
}

form.addEventListener('change', (event) => {
  if ((event.target as HTMLElement).getAttribute('name') === 'bucket') form.dataset.bucketChosen = 'true';
  view = readForm();
  history.pushState(null, '', writeView(view));
  syncForm();
  void load();
});
form.addEventListener('submit', (event) => event.preventDefault());
window.addEventListener('popstate', () => {
  view = readView(location.search);
  syncForm();
  void load();
});

// --- loading and drawing ------------------------------------------------------------------

/** The sources a split view draws: the chosen one, or every source following the chosen topic. */
const splitSources = () =>
  config.sources.filter((s) => (view.source ? s.id === view.source : true) && (view.topic ? s.topics.includes(view.topic) : true)).map((s) => s.id);

/** Alerts that belong in the view: its topic, or the topics its source follows. */
function alertsInView(alerts: AlertWithDeliveries[]): AlertWithDeliveries[] {
  const followed = view.source ? config.sources.find((s) => s.id === view.source)?.topics : undefined;
  return alerts.filter((a) => (!view.topic || a.topic === view.topic) && (!followed || followed.includes(a.topic)));
}

/** Keeps what the reader had open and focused across a redraw. */
function preserving(redraw: () => void): void {
  const focusKey = document.activeElement?.getAttribute('data-focus');
  const open = new Set([...document.querySelectorAll('details[open]')].map((d) => d.closest('section')?.id));
  redraw();
  for (const id of open) if (id) document.querySelector(`#${id} details`)?.setAttribute('open', '');
  if (focusKey) document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
}

function openAlert(alert: AlertWithDeliveries): void {
  void showAlert(sections.alertDetail, alert, topicName);
}

function drawCharts(buckets: TrendBucket[], alerts: AlertWithDeliveries[]): void {
  for (const chart of charts) chart.destroy();
  const grid = toGrid(buckets);
  const per = view.bucket === 'day' ? 'day (UTC)' : 'hour';
  const by = `${view.split ? 'source' : 'topic'}${view.source ? `, from ${view.source}` : ''}`;
  const common = { grid, label: seriesLabel, bucket: view.bucket, alerts, onAlert: openAlert } satisfies Partial<ChartSpec>;
  const specs: [HTMLElement, ChartSpec][] = [
    [sections.volume, { ...common, caption: `Posts per ${per}, by ${by}`, value: (b) => b.posts, format: (v) => String(Math.round(v * 100) / 100) }],
    [sections.petition, { ...common, caption: `Petition mentions per ${per}, by ${by}`, value: (b) => b.petitionMentions, format: (v) => String(Math.round(v * 100) / 100) }],
    [sections.sentiment, { ...common, alerts: [], caption: `Net sentiment per ${per}, by ${by}`, value: netSentiment, format: (v) => `${v > 0 ? '+' : ''}${v.toFixed(2)}`, yRange: [-1, 1], points: true }],
  ];
  if (grid.series.length === 0) {
    charts = [];
    for (const [section] of specs) fill(section, h('p', { class: 'empty' }, 'No data for this view.'));
    return;
  }
  charts = specs.map(([section, spec]) => {
    const chart = renderChart(spec);
    fill(section, chart.element);
    return chart;
  });
  const [first, ...rest] = charts;
  first!.draw();
  if (performance.getEntriesByName(FIRST_CHART_MARK).length > 0) {
    for (const chart of rest) chart.draw();
    return;
  }
  performance.mark(FIRST_CHART_MARK);
  // On the first load the other charts wait for the first one's frame: drawing all three before it
  // is painted would hold the first back by two charts' layout and drawing. Later redraws (filters,
  // refresh) draw at once, so the focus a reader had on a marker is restored (see `preserving`).
  requestAnimationFrame(() => setTimeout(() => rest.forEach((chart) => chart.draw())));
}

async function loadPosts(cursor: string | null = null): Promise<void> {
  const filter = postsFilter === 'petition' ? { petition: true } : postsFilter ? { label: postsFilter } : {};
  const [page] = await Promise.all([api.posts({ ...apiRange(view), topic: view.topic, source: view.source, ...filter, limit: POSTS_PER_PAGE, cursor }), configReady]);
  const box = sections.posts.querySelector<HTMLElement>('.post-results')!;
  if (!cursor) box.replaceChildren();
  box.querySelector('.more')?.remove();
  box.append(postList(page.posts, topicName));
  if (page.next) {
    const more = h('button', { type: 'button', class: 'more', 'data-focus': 'posts:more' }, 'Show older posts');
    more.addEventListener('click', () => void loadPosts(page.next).catch((e: unknown) => box.append(panelError(e))));
    box.append(more);
  }
}

function postsPanel(): HTMLElement[] {
  const select = h(
    'select',
    { name: 'posts-filter', 'data-focus': 'posts:filter' },
    [['', 'All posts'], ['petition', 'Petition mentions'], ['positive', 'Positive'], ['negative', 'Negative'], ['neutral', 'Neutral']].map(([value, text]) =>
      h('option', { value: value!, selected: value === postsFilter }, text!),
    ),
  );
  select.addEventListener('change', () => {
    postsFilter = select.value;
    void loadPosts().catch((e: unknown) => sections.posts.querySelector('.post-results')!.replaceChildren(panelError(e)));
  });
  return [h('label', { class: 'filter' }, 'Show ', select, ' newest first'), h('div', { class: 'post-results' })];
}

async function load(): Promise<void> {
  const mine = ++generation;
  lastLoad = Date.now();
  setStatus('Loading…');
  const range = apiRange(view);
  const trends = api.trends(trendsQuery(view, view.source));
  const split = view.split ? configReady.then(() => Promise.all(splitSources().map((source) => api.trends(trendsQuery(view, source))))).then((all) => all.flat()) : null;
  const alerts = Promise.all([api.alerts(range), configReady]).then(([list]) => alertsInView(list));
  const chartsAsked = Promise.allSettled([trends, split]);
  const tasks = [
    (async () => {
      const [main, perSource, inView] = await Promise.all([trends, split, alerts.catch(() => [] as AlertWithDeliveries[]), configReady]);
      if (mine !== generation) return;
      shown = perSource ?? main;
      preserving(() => {
        drawCharts(shown, inView);
        const topics = view.topic ? [view.topic] : [...new Set(main.map((b) => b.topic))];
        fill(sections.share, shareTable(shareOfVoice(main, topics), topicName));
      });
    })().catch((e: unknown) => {
      for (const section of [sections.volume, sections.petition, sections.sentiment, sections.share]) fill(section, panelError(e));
      throw e;
    }),
    alerts.then(
      (list) => mine === generation && preserving(() => sections.alerts.replaceChildren(alertList(list, openAlert))),
      (e: unknown) => (sections.alerts.replaceChildren(panelError(e)), Promise.reject(e)),
    ),
    // The panels below the charts wait for the chart's data: on one small server (serve over the
    // embedded store) they would otherwise compete with it and delay the first chart.
    chartsAsked.then(() => api.sources()).then(
      (list: SourceStatus[]) => mine === generation && preserving(() => fill(sections.sources, sourcesTable(list))),
      (e: unknown) => (fill(sections.sources, panelError(e)), Promise.reject(e)),
    ),
    (async () => {
      if (!sections.posts.querySelector('.post-results')) fill(sections.posts, postsPanel());
      await chartsAsked;
      await loadPosts();
    })().catch((e: unknown) => {
      sections.posts.querySelector('.post-results')?.replaceChildren(panelError(e));
      throw e;
    }),
  ];
  const failed = (await Promise.allSettled(tasks)).filter((t) => t.status === 'rejected').length;
  if (mine !== generation) return;
  setStatus(failed ? `${failed} panel(s) could not be loaded: see the messages below.` : '');
  const updated = $('#updated');
  updated.replaceChildren('Updated ', h('time', { datetime: new Date(lastLoad).toISOString(), title: new Date(lastLoad).toISOString() }, new Date(lastLoad).toLocaleTimeString()));
}

// --- actions --------------------------------------------------------------------------------

$('#refresh').addEventListener('click', () => void load());
$('#download').addEventListener('click', () => {
  const link = h('a', { href: URL.createObjectURL(new Blob([trendsCsv(shown)], { type: 'text/csv' })), download: `fanpulse-trends-${view.range}-${view.bucket}.csv` });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});
// Fresh while open, quiet while hidden: a background tab costs the API nothing, and coming back
// to a stale view reloads it at once.
setInterval(() => {
  if (document.visibilityState === 'visible') void load();
}, REFRESH_MS);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && Date.now() - lastLoad >= REFRESH_MS) void load();
});

async function start(): Promise<void> {
  syncForm();
  configReady = api.config().then(
    (loaded) => {
      config = loaded;
      fillOptions();
      syncForm();
    },
    (e: unknown) => void setStatus(e instanceof Error ? e.message : String(e)),
  );
  await load();
}

void start();
