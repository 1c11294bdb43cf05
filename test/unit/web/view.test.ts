import { describe, expect, it } from 'vitest';
import { apiRange, readView, writeView, type View } from '../../../web/src/view.ts';

const base: View = { range: '7d', since: null, until: null, bucket: 'hour', topic: null, source: null, split: false };

describe('the view in the address bar', () => {
  it('defaults to the last 7 days per hour, every topic and source', () => {
    expect(readView('')).toEqual(base);
  });

  it('reads every part back from the link it writes', () => {
    const views: View[] = [
      { ...base, range: '24h', topic: 'bosch-legacy', source: 'fans', split: true },
      { ...base, range: '30d', bucket: 'day' },
      { ...base, range: 'custom', since: '2026-11-01T00:00:00.000Z', until: '2026-11-08T12:00:00.000Z', bucket: 'day', topic: 'ballard' },
    ];
    for (const view of views) expect(readView(writeView(view))).toEqual(view);
  });

  it('picks days for a month unless the link says hours', () => {
    expect(readView('?range=30d').bucket).toBe('day');
    expect(readView('?range=30d&bucket=hour').bucket).toBe('hour');
    expect(readView('?range=24h').bucket).toBe('hour');
  });

  it('falls back to the default for a range, bucket or custom window it cannot use', () => {
    expect(readView('?range=1y&bucket=minute')).toEqual(base);
    expect(readView('?range=custom&since=2026-11-08T00:00:00Z').range).toBe('7d');
    expect(readView('?range=custom&since=2026-11-08T00:00:00Z&until=2026-11-01T00:00:00Z').range).toBe('7d');
    expect(readView('?range=custom&since=yesterday&until=2026-11-01T00:00:00Z').range).toBe('7d');
  });

  it('asks the API for a relative range, or the custom window as ISO times', () => {
    expect(apiRange({ ...base, range: '24h' })).toEqual({ since: '24h' });
    expect(apiRange(readView('?range=custom&since=2026-11-01T00:00:00Z&until=2026-11-02T00:00:00Z'))).toEqual({
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-11-02T00:00:00.000Z',
    });
  });

  it('writes a short query: only what differs from showing everything', () => {
    expect(writeView(base)).toBe('?range=7d&bucket=hour');
    expect(writeView({ ...base, topic: 'a b&c', split: true })).toBe('?range=7d&bucket=hour&topic=a+b%26c&split=source');
  });
});
