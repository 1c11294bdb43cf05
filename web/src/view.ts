// What the page shows, kept in the address bar's query string so a link opens the same view:
// ?range=7d&bucket=hour&topic=…&source=…&split=source, or range=custom with since and until (ISO).

export const RANGES = ['24h', '7d', '30d', 'custom'] as const;
export type Range = (typeof RANGES)[number];
export type Bucket = 'hour' | 'day';

export interface View {
  range: Range;
  /** ISO times, for range=custom only. */
  since: string | null;
  until: string | null;
  bucket: Bucket;
  topic: string | null;
  source: string | null;
  /** One series per source instead of one per topic. */
  split: boolean;
}

const DEFAULT_RANGE: Range = '7d';
/** Hours read well up to a week; a month of hours is 720 points per series, so days. */
const defaultBucket = (range: Range): Bucket => (range === '30d' ? 'day' : 'hour');
const isoOrNull = (value: string | null) => (value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null);

/** Reads a view from a query string; anything unknown or malformed falls back to the default. */
export function readView(search: string): View {
  const q = new URLSearchParams(search);
  let range = (RANGES as readonly string[]).includes(q.get('range') ?? '') ? (q.get('range') as Range) : DEFAULT_RANGE;
  const since = isoOrNull(q.get('since'));
  const until = isoOrNull(q.get('until'));
  if (range === 'custom' && (!since || !until || since >= until)) range = DEFAULT_RANGE;
  const bucket = q.get('bucket') === 'hour' || q.get('bucket') === 'day' ? (q.get('bucket') as Bucket) : defaultBucket(range);
  return {
    range,
    since: range === 'custom' ? since : null,
    until: range === 'custom' ? until : null,
    bucket,
    topic: q.get('topic') || null,
    source: q.get('source') || null,
    split: q.get('split') === 'source',
  };
}

/** The query string for a view (without defaults that add nothing, so links stay short). */
export function writeView(view: View): string {
  const q = new URLSearchParams();
  q.set('range', view.range);
  if (view.range === 'custom' && view.since && view.until) {
    q.set('since', view.since);
    q.set('until', view.until);
  }
  q.set('bucket', view.bucket);
  if (view.topic) q.set('topic', view.topic);
  if (view.source) q.set('source', view.source);
  if (view.split) q.set('split', 'source');
  return `?${q.toString()}`;
}

/** The API's since/until for a view. */
export function apiRange(view: View): { since: string; until?: string } {
  return view.range === 'custom' && view.since && view.until ? { since: view.since, until: view.until } : { since: view.range };
}

/** GET /trends's parameters for a view, all topics' series or one source's: one rule for the page and boot.ts. */
export function trendsQuery(view: View, source: string | null): Record<string, string | null> {
  return { ...apiRange(view), bucket: view.bucket, topic: view.topic, source };
}
