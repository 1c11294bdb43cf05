// What an alert says, in words an organiser acts on: what happened against the usual, whether it
// is a push or a backlash, when (the campaign's time zone and UTC), the posts behind it, and where
// to look further. `describeAlert` is that content once; `formatAlertMessage` is its e-mail (SNS,
// the local sink), and each chat channel shapes the same content for its platform.
// Pure: the same alert and context always give the same text (no clock, no machine locale).

import { kindWords } from './kind-words.ts';
import { fanpulseCommand, type StoreAddress } from './store-address.ts';
import type { SpikeAlert, TopPost } from './types.ts';
import { formatInstant, formatRange, partOfDay, zonedTime } from './zoned-time.ts';

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
/** Below this the usual is "none": a ratio to it would be a meaningless huge number. */
const NEAR_ZERO_BASELINE = 0.05;

/** What the monitor knows about where it runs: plain data from the config and the environment. */
export interface AlertMessageContext {
  /** The campaign's IANA time zone (config `alerts.timeZone`). @default 'UTC' */
  timeZone?: string | undefined;
  /** The dashboard's address (a public deployment's API URL, ending in "/"): the alert links its view. */
  pageUrl?: string | undefined;
  /** The config and store this monitor uses: without a dashboard, the alert gives commands for them. */
  store?: StoreAddress | undefined;
}

export type Tone = 'push' | 'backlash' | 'neutral' | 'mixed' | 'unknown';

/** One top post, ready to show: one line of title, never empty. */
export interface ShownPost {
  title: string;
  link: string | null;
  /** The source id it was counted from, else the link's host; null when neither is known. */
  source: string | null;
  score: number;
  petition: boolean;
}

/** The alert's content, shared by every channel. Strings are plain text (each channel escapes). */
export interface AlertContent {
  /** 'Petition spike on "Bosch: Legacy"' */
  title: string;
  /** "37 petition mentions in the last hour (Tuesday evening), about 12× the usual at this time of day (3.1)." */
  headline: string;
  tone: Tone;
  /** "Mostly positive, a push: 24 positive, 4 negative, 9 neutral." */
  sentiment: string;
  /** "Tue 2025-03-27 10:00-11:00 America/New_York (14:00-15:00 UTC)" */
  when: string;
  posts: ShownPost[];
  /** The dashboard on this alert's view, when its address is known. */
  link: string | null;
  /** Without a dashboard: commands that show the posts and the alerts from this config and store. */
  commands: string[];
  /** The numbers behind the headline, as label and value. */
  numbers: [string, string][];
  /** "fanpulse alert <id>" */
  footer: string;
}

export function formatAlertMessage(alert: SpikeAlert, context: AlertMessageContext = {}): AlertMessage {
  const content = describeAlert(alert, context);
  return { subject: formatSubject(alert, content), body: formatBody(alert, content) };
}

export function describeAlert(alert: SpikeAlert, context: AlertMessageContext = {}): AlertContent {
  const timeZone = context.timeZone ?? 'UTC';
  const words = kindWords(alert.kind);
  const start = Date.parse(alert.windowStart);
  const end = Date.parse(alert.windowEnd);
  const tone = toneOf(alert);
  return {
    title: `${capitalise(words.label)} on "${oneLine(alert.topicName) || alert.topic}"`,
    headline: headline(alert, timeZone),
    tone,
    sentiment: sentimentLine(alert, tone),
    when: inBothZones(timeZone, (zone) => formatRange(start, end, zone)),
    posts: alert.topPosts.map(showPost),
    link: context.pageUrl ? alertPageLink(context.pageUrl, alert) : null,
    commands: context.pageUrl ? [] : lookFurther(alert, context.store),
    numbers: [
      [capitalise(`${words.many} in the window`), String(alert.count)],
      [alert.basis === 'short-history' ? 'Usual so far (short history)' : 'Usual at this time of day', formatNumber(alert.baseline)],
      ['Alert threshold', formatNumber(alert.threshold)],
      ['Chance of this many by luck (p-value)', formatPValue(alert.pValue)],
      ['Mean sentiment score', formatSigned(alert.sentimentMean)],
      ['Detected', inBothZones(timeZone, (zone) => formatInstant(Date.parse(alert.detectedAt), zone))],
    ],
    footer: `fanpulse alert ${alert.id}`,
  };
}

/** The dashboard on the alert's topic, from two days before its window to the window's end, by hour. */
export function alertPageLink(pageUrl: string, alert: Pick<SpikeAlert, 'topic' | 'windowStart' | 'windowEnd'>): string {
  const since = new Date(Date.parse(alert.windowStart) - 2 * 86_400_000).toISOString();
  const query = new URLSearchParams({ range: 'custom', since, until: alert.windowEnd, bucket: 'hour', topic: alert.topic });
  return `${pageUrl}?${query.toString()}`;
}

// ---- the content ----------------------------------------------------------------------------

function headline(alert: SpikeAlert, timeZone: string): string {
  const words = kindWords(alert.kind);
  const last = zonedTime(Date.parse(alert.windowEnd) - 1, timeZone);
  const when = `${last.weekday} ${partOfDay(last.hour)}`;
  const counted = `${alert.count} ${alert.count === 1 ? words.one : words.many} in ${lastPeriod(alert)} (${when})`;
  const shortHistory = alert.basis === 'short-history';
  if (alert.baseline < NEAR_ZERO_BASELINE) {
    return `${counted}, where ${shortHistory ? 'there were almost none so far' : 'this time of day usually has none'}.`;
  }
  const times = `about ${formatRatio(alert.count / alert.baseline)}× the usual`;
  return shortHistory
    ? `${counted}, ${times} so far (${formatNumber(alert.baseline)}; the topic's history is still short).`
    : `${counted}, ${times} at this time of day (${formatNumber(alert.baseline)}).`;
}

function toneOf({ positive, negative, neutral }: SpikeAlert): Tone {
  const scored = positive + negative + neutral;
  if (scored === 0) return 'unknown';
  if (negative * 2 > scored) return 'backlash';
  if (positive * 2 > scored) return 'push';
  if (neutral * 2 > scored) return 'neutral';
  return 'mixed';
}

function sentimentLine(alert: SpikeAlert, tone: Tone): string {
  const { positive, negative, neutral } = alert;
  const unscored = alert.unscored ?? 0;
  const rest = unscored > 0 ? ` ${unscored} more were counted before fanpulse kept their sentiment.` : '';
  switch (tone) {
    case 'backlash':
      return `Mostly negative, a backlash: ${negative} negative, ${positive} positive, ${neutral} neutral.${rest}`;
    case 'push':
      return `Mostly positive, a push: ${positive} positive, ${negative} negative, ${neutral} neutral.${rest}`;
    case 'neutral':
      return `Mostly neutral: ${neutral} neutral, ${positive} positive, ${negative} negative.${rest}`;
    case 'mixed':
      return `Mixed: ${positive} positive, ${negative} negative, ${neutral} neutral.${rest}`;
    case 'unknown':
      return `Sentiment not known: these were counted before fanpulse kept it (fanpulse recount rebuilds it).`;
  }
}

/** The posts counted in the window, and the alerts, from the same config and store. */
function lookFurther(alert: SpikeAlert, store: StoreAddress | undefined): string[] {
  const posts = ['posts', '--topic', alert.topic, ...kindWords(alert.kind).postsFlags, '--since', minuteIso(alert.windowStart), '--until', minuteIso(alert.windowEnd)];
  // From the window on, so the alert is listed however long after it the command runs.
  const alerts = ['alerts', '--since', minuteIso(alert.windowStart)];
  if (!store) return [posts, alerts].map((args) => `npx fanpulse ${args.join(' ')}`);
  return [fanpulseCommand(store, posts), fanpulseCommand(store, alerts)];
}

function showPost(post: TopPost): ShownPost {
  return { title: oneLine(post.title) || '(untitled)', link: post.link, source: post.source ?? hostOf(post.link), score: post.score, petition: post.petition };
}

/** "r-boschlegacy, petition, sentiment +6.5": where a top post is from and how it reads. */
export function postMarks(post: ShownPost): string {
  return [...(post.source ? [post.source] : []), ...(post.petition ? ['petition'] : []), `sentiment ${formatSigned(post.score)}`].join(', ');
}

// ---- the e-mail -----------------------------------------------------------------------------

function formatSubject(alert: SpikeAlert, content: AlertContent): string {
  const words = kindWords(alert.kind);
  const name = toAsciiLine(alert.topicName) || toAsciiLine(alert.topic) || 'topic';
  const head = `fanpulse: ${toAsciiLine(words.label)} on "`;
  const usual = alert.baseline < NEAR_ZERO_BASELINE ? 'usually none' : `~${formatRatio(alert.count / alert.baseline)}x usual`;
  const tone = { push: ', a push', backlash: ', a backlash', neutral: ', neutral', mixed: ', mixed', unknown: '' }[content.tone];
  const tail = `" - ${alert.count} ${alert.count === 1 ? words.shortOne : words.short} in ${formatDuration(alert)}, ${usual}${tone}`;
  const room = SUBJECT_MAX_LENGTH - head.length - tail.length;
  // The numbers are the point of the subject, so a long topic name gives way first.
  if (name.length <= room) return head + name + tail;
  if (room >= ELLIPSIS.length + 1) {
    return head + name.slice(0, room - ELLIPSIS.length).trimEnd() + ELLIPSIS + tail;
  }
  const whole = head + name + tail;
  return whole.slice(0, SUBJECT_MAX_LENGTH - ELLIPSIS.length) + ELLIPSIS;
}

function formatBody(alert: SpikeAlert, content: AlertContent): string {
  const width = Math.max(...content.numbers.map(([label]) => label.length)) + 2;
  const lines: string[] = [
    `${content.title} (${alert.topic})`,
    '',
    content.headline,
    content.sentiment,
    '',
    `When: ${content.when}`,
    '',
    'Top posts',
  ];
  if (content.posts.length === 0) lines.push('  (no posts were kept for this window)');
  content.posts.forEach((post, index) => {
    lines.push(`  ${index + 1}. ${post.title}`, `     ${postMarks(post)}`, `     ${post.link ?? '(no link)'}`);
  });
  lines.push('');
  if (content.link) lines.push('On the dashboard', `  ${content.link}`);
  else lines.push('Look further', ...content.commands.map((command) => `  ${command}`));
  lines.push('', 'The numbers', ...content.numbers.map(([label, value]) => `  ${`${label}:`.padEnd(width)}${value}`), '', '--', content.footer);
  return lines.join('\n') + '\n';
}

// ---- wording helpers ------------------------------------------------------------------------

/** "Thu 2025-03-27 10:00-11:00 America/New_York (14:00-15:00 UTC)"; UTC once when the zone is UTC. */
function inBothZones(timeZone: string, show: (zone: string) => string): string {
  const utc = show('UTC');
  if (timeZone === 'UTC') return `${utc} UTC`;
  const local = show(timeZone);
  // "Thu 2025-03-27 " once when both read on the same day.
  const day = utc.slice(0, 15);
  const sameDay = local.startsWith(day) && !local.includes(' to ') && !utc.includes(' to ');
  return `${local} ${timeZone} (${sameDay ? utc.slice(15) : utc} UTC)`;
}

/** "the last hour", "the last 6 hours", "the last 1 h 40 min". */
function lastPeriod(alert: Pick<SpikeAlert, 'windowStart' | 'windowEnd'>): string {
  const minutes = Math.round((Date.parse(alert.windowEnd) - Date.parse(alert.windowStart)) / 60_000);
  if (!Number.isFinite(minutes) || minutes <= 0) return 'the window';
  if (minutes === 60) return 'the last hour';
  if (minutes % 60 === 0) return `the last ${minutes / 60} hours`;
  if (minutes < 60) return `the last ${minutes} min`;
  return `the last ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Window length for a subject: "1h", "6h", "2d", "1h40m". */
function formatDuration(alert: Pick<SpikeAlert, 'windowStart' | 'windowEnd'>): string {
  const minutes = Math.round((Date.parse(alert.windowEnd) - Date.parse(alert.windowStart)) / 60_000);
  if (!Number.isFinite(minutes) || minutes <= 0) return 'the window';
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return minutes > 60 ? `${Math.floor(minutes / 60)}h${minutes % 60}m` : `${minutes}m`;
}

/** "2025-03-27T14:00Z": a time every fanpulse flag reads, to the minute. */
const minuteIso = (iso: string) => (Number.isFinite(Date.parse(iso)) ? `${new Date(iso).toISOString().slice(0, 16)}Z` : iso);

/** Two significant digits from 10 up ("12", "270"), one decimal below ("2.5"). */
function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  if (ratio < 10) return String(Number(ratio.toFixed(1)));
  return String(Number(ratio.toPrecision(2)));
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

function hostOf(link: string | null): string | null {
  if (!link) return null;
  try {
    return new URL(link).hostname.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
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
