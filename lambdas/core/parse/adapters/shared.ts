// Small readers shared by the format adapters.

import type { AtomFeed, MediaNs } from 'feedsmith';

/** hrefs of alternate links (rel absent or "alternate"), HTML pages first, as Atom readers do. */
export function alternateLinks(links: AtomFeed.Link<string>[] | undefined): string[] {
  if (!links) return [];
  const alternates = links.filter((link) => !link.rel || link.rel.trim().toLowerCase() === 'alternate');
  const isHtml = (link: AtomFeed.Link<string>) => !link.type || link.type.toLowerCase().includes('html');
  return [...alternates.filter(isHtml), ...alternates.filter((link) => !isHtml(link))]
    .map((link) => link.href?.trim())
    .filter((href): href is string => !!href);
}

/** media:description, directly or in a media:group (YouTube puts a video's text only there). */
export function mediaDescription(media: MediaNs.ItemOrFeed | undefined): string | undefined {
  return media?.description?.value ?? media?.groups?.find((group) => group.description?.value)?.description?.value;
}
