// Markdown (Reddit's, Lemmy's, Bluesky-free text is plain) as one line of plain text for matching and
// scoring: rendered by `marked` as the platforms render it, then read by the one HTML-to-text path
// (link and image URLs dropped, link text kept). The platforms' own spoiler marks (Reddit's
// `>!text!<`, Lemmy's `::: spoiler` fences) are opened first: their words count.

import { Marked } from 'marked';
import { htmlToPlainText } from '../../../core/normalise.ts';

const markdown = new Marked({ gfm: true, breaks: false, async: false });

// Reddit sends these escaped when raw_json=1 is missing (mirrors, archive dumps), including the
// markdown's own ">" quote and spoiler marks; &#x200B; is its empty-paragraph filler.
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: ' ', '#x200b': '' };

export function markdownToPlainText(source: string): string {
  const opened = source
    .replace(/&(amp|lt|gt|quot|nbsp|#x200b);/gi, (_, name: string) => ENTITIES[name.toLowerCase()] ?? '')
    .replace(/>!([\s\S]*?)!</g, '$1')
    .replace(/^ {0,3}:::.*$/gm, '');
  return htmlToPlainText(markdown.parse(opened) as string);
}
