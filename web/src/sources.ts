// Source health: every configured source, how it is doing, and what to do about it in words.

import type { SourceStatus } from './api.ts';
import { h } from './dom.ts';
import { formatLocal, timeElement } from './time.ts';

const HEALTH = {
  ok: '✓ ok',
  failing: '✗ failing',
  'needs-credentials': '⚿ needs credentials',
  'never-polled': '… never polled',
} as const;

/** What the organiser should do about a source, from its state (the API's own sentences first). */
export function whatToFix(s: SourceStatus): string {
  switch (s.health) {
    case 'never-polled':
      return 'Not polled yet: run `fanpulse poll` (or wait for the schedule).';
    case 'needs-credentials':
      return s.lastError ?? 'Set the credentials this source type needs.';
    case 'failing': {
      const retry = s.retryAfter ? ` Next try after ${formatLocal(s.retryAfter)}.` : '';
      return `${s.lastError ?? 'The last poll failed.'} (${s.lastErrorKind ?? 'error'}, ${s.consecutiveFailures} failed in a row).${retry}`;
    }
    case 'ok':
      if (s.rejected > 0) return `${s.rejected} item(s) could not be read${s.lastRejection ? `: ${s.lastRejection}` : ''}.`;
      return s.detail ?? 'Nothing to fix.';
  }
}

export function sourcesTable(sources: readonly SourceStatus[]): HTMLElement {
  const needing = sources.filter((s) => s.health !== 'ok' || s.rejected > 0).length;
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'sources' },
      h('caption', {}, needing ? `${needing} of ${sources.length} sources need attention` : `All ${sources.length} sources are healthy`),
      h('thead', {}, h('tr', {}, ['Source', 'Type', 'Health', 'Last success', 'Items seen', 'What to fix'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        sources.map((s) =>
          h(
            'tr',
            { class: `health-${s.health}` },
            h('th', { scope: 'row' }, s.sourceId),
            h('td', {}, s.type),
            h('td', { class: 'health' }, HEALTH[s.health]),
            h('td', {}, timeElement(s.lastSuccess)),
            h('td', { class: 'num' }, s.itemsSeen),
            h('td', {}, whatToFix(s)),
          ),
        ),
      ),
    ),
  );
}
