// Times in the reader's own zone, with UTC on hover (the title), as <time> elements.

import { h } from './dom.ts';

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const localDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** A moment in the local zone. */
export const formatLocal = (iso: string) => local.format(new Date(iso));

/** A bucket start: hours in the local zone; days are UTC days, named as such. */
export const formatBucket = (iso: string, bucket: 'hour' | 'day') => (bucket === 'day' ? localDay.format(new Date(iso)) : local.format(new Date(iso)));

export function timeElement(iso: string | null, bucket: 'hour' | 'day' | null = null): HTMLElement | string {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: bucket === 'day' ? `${iso.slice(0, 10)} (UTC day)` : utc(iso) }, bucket ? formatBucket(iso, bucket) : formatLocal(iso));
}
