// Links as the rest of the pipeline needs them: absolute http(s) URLs for display, and a canonical
// form so the same story linked from two sources gets the same dedup key.

/** `raw` resolved against `base`, when the result is an http(s) URL; otherwise null. */
export function absoluteHttpUrl(raw: string | null | undefined, base?: string | null): string | null {
  return parseHttpUrl(raw, base)?.href ?? null;
}

/** `raw` resolved against `base` as a URL object, when it is http(s); otherwise null. */
function parseHttpUrl(raw: string | null | undefined, base?: string | null): URL | null {
  const value = raw?.trim();
  if (!value) return null;
  // Absolute links first: `new URL(x, base)` throws on an unusable base even when x needs none
  // (`fanpulse inspect ./file.xml` has a path, not a URL, as its base).
  const url = parseUrl(value, undefined) ?? (base ? parseUrl(value, base) : null);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : null;
}

/** Query parameters that say where a click came from, not what was linked to. */
function isTrackingParam(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || n === 'fbclid' || n === 'gclid' || n === 'ref';
}

/**
 * The canonical form of an absolute http(s) URL, for deduplication only (never shown):
 * lower-case scheme and host and no default port (WHATWG URL does these), fragment dropped, tracking
 * parameters dropped, trailing slash dropped, and http folded into https because the same article
 * is often linked both ways. Redirect links (e.g. Google News) cannot be followed offline and stay
 * as they are. Null for anything that is not an http(s) URL.
 */
export function canonicalLink(link: string | null | undefined): string | null {
  // Parsed once: an http(s) URL's href parses back to the same URL.
  const url = parseHttpUrl(link);
  if (!url) return null;
  url.protocol = 'https:';
  url.hash = '';
  if (url.search) {
    const params = new URLSearchParams(url.search);
    for (const name of [...params.keys()]) {
      if (isTrackingParam(name)) params.delete(name);
    }
    // Always re-serialise, so "a b" written as %20 or + gives the same key with or without tracking.
    url.search = params.toString();
  }
  const href = url.href;
  const queryAt = href.indexOf('?');
  const path = queryAt === -1 ? href : href.slice(0, queryAt);
  const query = queryAt === -1 ? '' : href.slice(queryAt);
  return (path.endsWith('/') ? path.slice(0, -1) : path) + query;
}

function parseUrl(value: string, base: string | undefined): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}
