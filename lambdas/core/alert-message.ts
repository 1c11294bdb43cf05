// Turns a spike alert into the subject and plain-text body an organiser reads in an e-mail.
// Pure: the same alert always gives the same text (no clock, no locale).

import type { SpikeAlert } from './types.ts';

export interface AlertMessage {
  /** ASCII, one line, at most SUBJECT_MAX_LENGTH characters: safe as an SNS Subject. */
  subject: string;
  /** Plain text (no HTML), lines separated by "\n". */
  body: string;
}

/**
 * SNS rejects a Publish whose Subject is not "less than 100 characters", has line breaks or
 * control characters; older docs (and e-mail headers) also want it ASCII and starting with a
 * letter, number or punctuation mark. 99 keeps us inside every reading of that rule.
 */
export const SUBJECT_MAX_LENGTH = 99;

const ELLIPSIS = '...';

export interface AlertMessageOptions {
  /** The dashboard's address (a public deployment's API URL, ending in "/"): the body links the alert's view. */
  pageUrl?: string | undefined;
}

export function formatAlertMessage(alert: SpikeAlert, options: AlertMessageOptions = {}): AlertMessage {
  return { subject: formatSubject(alert), body: formatBody(alert, options.pageUrl) };
}

/** The dashboard on the alert's topic, from two days before its window to the window's end, by hour. */
export function alertPageLink(pageUrl: string, alert: Pick<SpikeAlert, 'topic' | 'windowStart' | 'windowEnd'>): string {
  const since = new Date(Date.parse(alert.windowStart) - 2 * 86_400_000).toISOString();
  const query = new URLSearchParams({ range: 'custom', since, until: alert.windowEnd, bucket: 'hour', topic: alert.topic });
  return `${pageUrl}?${query.toString()}`;
}

function formatSubject(alert: SpikeAlert): string {
  const name = toAsciiLine(alert.topicName) || toAsciiLine(alert.topic) || 'topic';
  const head = `fanpulse: ${toAsciiLine(kindLabel(alert.kind))} on "`;
  const tail =
    `" - ${alert.count} ${plural(alert.count, 'mention')} in ${formatDuration(alert)}` +
    ` (baseline ${formatNumber(alert.baseline)})`;
  const room = SUBJECT_MAX_LENGTH - head.length - tail.length;
  // The numbers are the point of the subject, so a long topic name gives way first.
  if (name.length <= room) return head + name + tail;
  if (room >= ELLIPSIS.length + 1) {
    return head + name.slice(0, room - ELLIPSIS.length).trimEnd() + ELLIPSIS + tail;
  }
  const whole = head + name + tail;
  return whole.slice(0, SUBJECT_MAX_LENGTH - ELLIPSIS.length) + ELLIPSIS;
}

function formatBody(alert: SpikeAlert, pageUrl: string | undefined): string {
  const window = formatWindow(alert.windowStart, alert.windowEnd);
  const lines: string[] = [
    `${capitalise(kindLabel(alert.kind))} for "${oneLine(alert.topicName)}" (${alert.topic}): ` +
      `${alert.count} ${plural(alert.count, 'mention')} in ${formatDuration(alert)} (${window}), ` +
      `where about ${formatNumber(alert.baseline)} would be usual.`,
    '',
    'The numbers',
    `  Mentions in the window:  ${alert.count}`,
    `  Baseline (expected):     ${formatNumber(alert.baseline)}`,
    `  Spike threshold:         ${formatNumber(alert.threshold)}`,
    `  p-value:                 ${formatPValue(alert.pValue)}`,
    `  Window (UTC):            ${window}`,
    `  Detected at (UTC):       ${formatInstant(alert.detectedAt)}`,
    '',
    'Sentiment of the spike',
    `  Mean score:  ${formatSigned(alert.sentimentMean)}`,
    `  Positive: ${alert.positive}   Negative: ${alert.negative}   Neutral: ${alert.neutral}`,
    '',
    'Top posts',
  ];
  if (alert.topPosts.length === 0) {
    lines.push('  (no posts were kept for this window)');
  }
  alert.topPosts.forEach((post, index) => {
    const marks = [`sentiment ${formatSigned(post.score)}`];
    if (post.petition) marks.push('petition');
    lines.push(`  ${index + 1}. ${oneLine(post.title) || '(untitled)'} [${marks.join(', ')}]`);
    lines.push(`     ${post.link ?? '(no link)'}`);
  });
  lines.push(
    '',
    'Look further',
    ...(pageUrl ? [`  ${alertPageLink(pageUrl, alert)}`] : []),
    `  npx fanpulse trends --topic ${alert.topic} --since 2d`,
    `  npx fanpulse alerts --since 2d`,
    '',
    '--',
    `fanpulse alert ${alert.id}`,
  );
  return lines.join('\n') + '\n';
}

function kindLabel(kind: SpikeAlert['kind']): string {
  return kind.replace(/-/g, ' ');
}

/** Window length as a reader says it: "1h", "6h", "2d", "30m". */
function formatDuration(alert: Pick<SpikeAlert, 'windowStart' | 'windowEnd'>): string {
  const ms = Date.parse(alert.windowEnd) - Date.parse(alert.windowStart);
  if (!Number.isFinite(ms) || ms <= 0) return 'the window';
  const minutes = Math.round(ms / 60_000);
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** "2025-03-27 14:00-15:00 UTC", or both dates in full when the window crosses midnight. */
function formatWindow(start: string, end: string): string {
  const from = formatInstant(start);
  const to = formatInstant(end);
  if (from.slice(0, 10) === to.slice(0, 10) && to.length === 16) {
    return `${from}-${to.slice(11)} UTC`;
  }
  return `${from} to ${to} UTC`;
}

/** ISO → "YYYY-MM-DD HH:MM" in UTC; anything unparseable is shown as given. */
function formatInstant(iso: string): string {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return iso;
  return new Date(time).toISOString().slice(0, 16).replace('T', ' ');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number(value.toFixed(2));
  if (rounded === 0 && value !== 0) return value > 0 ? '<0.01' : '>-0.01';
  return String(rounded);
}

function formatSigned(value: number): string {
  const text = formatNumber(value);
  return value > 0 && !text.startsWith('<') ? `+${text}` : text;
}

function formatPValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  if (value < 0.001) return value.toExponential(1);
  return String(Number(value.toFixed(3)));
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Collapses line breaks, tabs and other control characters so a title stays on its line. */
export function oneLine(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Typographic characters that fan posts and show titles use, with their plain ASCII stand-ins.
const ASCII_STAND_INS: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"', '\u2033': '"',
  '\u00AB': '"', '\u00BB': '"', '\u2039': "'", '\u203A': "'",
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...', '\u2022': '*', '\u00B7': '.', '\u00D7': 'x',
  '\u00DF': 'ss', '\u00C6': 'AE', '\u00E6': 'ae', '\u0152': 'OE', '\u0153': 'oe',
  '\u00D8': 'O', '\u00F8': 'o', '\u0141': 'L', '\u0142': 'l', '\u0110': 'D', '\u0111': 'd',
  '\u00D0': 'D', '\u00F0': 'd', '\u00DE': 'Th', '\u00FE': 'th',
};

/**
 * One line of printable ASCII: accents dropped ("Café" → "Cafe"), typographic quotes and dashes
 * replaced, anything else without an ASCII form (emoji, CJK) removed.
 */
export function toAsciiLine(text: string): string {
  return oneLine(
    oneLine(text)
      .replace(/[\u00A0-\u2212]/g, (char) => ASCII_STAND_INS[char] ?? char)
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[^\x20-\x7E]+/g, ' '),
  );
}
