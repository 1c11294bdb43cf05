// The alerts of the range: a list (each opens its detail) and the detail itself — why it fired,
// in words and numbers, and the posts of its topic in its window, read from /posts.

import { api, type AlertWithDeliveries } from './api.ts';
import { h } from './dom.ts';
import { postList } from './posts.ts';
import { formatLocal, timeElement } from './time.ts';

const KINDS: Record<string, string> = { 'petition-spike': 'Petition spike' };
const kindName = (kind: string) => KINDS[kind] ?? kind;
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const pValue = (p: number) => (p < 0.0001 ? '< 0.0001' : p.toPrecision(2));
export const alertKey = (alert: AlertWithDeliveries) => `${alert.topic}|${alert.kind}|${alert.windowStart}`;

export function alertList(alerts: readonly AlertWithDeliveries[], open: (alert: AlertWithDeliveries) => void): HTMLElement {
  if (alerts.length === 0) return h('p', { class: 'empty' }, 'No alerts in this range.');
  return h(
    'ul',
    { class: 'alerts' },
    [...alerts]
      .sort((a, b) => b.windowStart.localeCompare(a.windowStart))
      .map((alert) => {
        const button = h(
          'button',
          { type: 'button', class: 'alert', 'data-focus': `alert:${alertKey(alert)}` },
          h('strong', {}, `${kindName(alert.kind)} — ${alert.topicName}`),
          ' ',
          `${alert.count} mentions (usually ~${num(alert.baseline)}) · `,
          timeElement(alert.windowStart),
        );
        button.addEventListener('click', () => open(alert));
        return h('li', {}, button);
      }),
  );
}

/** Why it fired, in one sentence and a table of the numbers. */
function explanation(alert: AlertWithDeliveries): HTMLElement[] {
  const words =
    `${alert.count} petition mentions of ${alert.topicName} between ${formatLocal(alert.windowStart)} and ${formatLocal(alert.windowEnd)}, ` +
    `where about ${num(alert.baseline)} would be usual. An alert fires at ${num(alert.threshold)} or more: ` +
    `a count this high happens by chance with probability ${pValue(alert.pValue)}.`;
  const rows: [string, HTMLElement | string][] = [
    ['Mentions in the window', String(alert.count)],
    ['Baseline (expected)', num(alert.baseline)],
    ['Threshold', num(alert.threshold)],
    ['p-value', pValue(alert.pValue)],
    ['Sentiment', `${alert.positive} positive, ${alert.negative} negative, ${alert.neutral} neutral (mean ${alert.sentimentMean >= 0 ? '+' : ''}${num(alert.sentimentMean)})`],
    ['Window', h('span', {}, timeElement(alert.windowStart), ' – ', timeElement(alert.windowEnd))],
    ['Delivery', alert.status === 'sent' && alert.sentAt ? h('span', {}, 'sent ', timeElement(alert.sentAt)) : 'pending (not yet accepted by the alert channel)'],
  ];
  return [
    h('p', { class: 'why' }, words),
    h('table', { class: 'numbers' }, h('caption', {}, 'The numbers'), h('tbody', {}, rows.map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, value))))),
  ];
}

/** Shows one alert in `panel`, moves focus there, then loads its posts. */
export async function showAlert(panel: HTMLElement, alert: AlertWithDeliveries, topicName: (id: string) => string): Promise<void> {
  const postsBox = h('div', { class: 'alert-posts', 'aria-busy': 'true' }, h('p', {}, 'Loading its posts…'));
  const close = h('button', { type: 'button', class: 'close' }, 'Close');
  close.addEventListener('click', () => {
    panel.hidden = true;
    document.querySelector<HTMLElement>(`[data-focus="alert:${CSS.escape(alertKey(alert))}"]`)?.focus();
  });
  panel.hidden = false;
  panel.dataset.alert = alertKey(alert);
  panel.replaceChildren(
    h('h3', {}, `${kindName(alert.kind)} — ${alert.topicName}`),
    ...explanation(alert),
    h('h4', {}, 'Its posts'),
    postsBox,
    close,
  );
  panel.focus();
  try {
    const page = await api.posts({ topic: alert.topic, since: alert.windowStart, until: alert.windowEnd, limit: 50 });
    if (panel.dataset.alert !== alertKey(alert)) return; // another alert was opened meanwhile
    const more = page.next ? h('p', { class: 'note' }, `Showing the newest ${page.posts.length}; \`fanpulse posts --topic ${alert.topic} --since ${alert.windowStart} --until ${alert.windowEnd}\` lists all.`) : null;
    postsBox.replaceChildren(postList(page.posts, topicName), ...(more ? [more] : []));
  } catch (caught) {
    postsBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, (caught as Error).message));
  } finally {
    postsBox.removeAttribute('aria-busy');
  }
}
