// A digest in words: the headline numbers against the usual, the top posts, the alerts and the
// sources needing attention, as plain parts every channel shapes its own way (an e-mail's text, a
// Discord embed, Slack blocks, Telegram HTML). Pure: the same digest always gives the same text.

import { oneLine, SUBJECT_MAX_LENGTH, toAsciiLine } from './alert-message.ts';
import type { Digest, DigestTotals } from './types.ts';
import { wallClock } from './zoned-time.ts';

export interface DigestLine {
  text: string;
  /** Where the line points (a post's link). */
  link?: string | undefined;
}

export interface DigestMessage {
  /** One ASCII line of at most SUBJECT_MAX_LENGTH characters (an SNS Subject, an e-mail subject). */
  subject: string;
  /** "Daily digest for "Bosch: Legacy": Monday 2026-11-30 (America/Los_Angeles)". */
  heading: string;
  /** The numbers: name and value, e.g. { name: 'Posts', value: '42 (usual 30.1, +40%)' }. */
  fields: { name: string; value: string }[];
  /** Top posts, alerts, sources needing attention: each with its lines, or what it says when it has none. */
  sections: { title: string; lines: DigestLine[]; empty: string }[];
  /** The command that shows the period's trends. */
  command: string;
  footer: string;
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function digestMessage(digest: Digest): DigestMessage {
  const { totals, usual } = digest;
  const days = digest.period === 'daily' ? `${dayName(digest.firstDay)} ${digest.firstDay}` : `${digest.firstDay} to ${digest.lastDay}`;
  const usualOf = digest.period === 'daily' ? `usual: the ${usual.periods}-day average` : `usual: the ${usual.periods}-week average`;
  return {
    subject: subject(digest),
    heading: `${digest.period === 'daily' ? 'Daily' : 'Weekly'} digest for "${oneLine(digest.topicName)}" (${digest.topic}): ${days} (${digest.timeZone})`,
    fields: [
      { name: 'Posts', value: compared(totals.posts, usual.posts) },
      { name: 'Petition mentions', value: compared(totals.petitionMentions, usual.petitionMentions) },
      { name: 'Sentiment', value: `${signed(totals.sentimentMean)} mean (usual ${signed(usual.sentimentMean)}); ${split(totals)}` },
      { name: 'Compared with', value: usualOf },
    ],
    sections: [
      {
        title: 'Top posts',
        empty: 'No posts in this period.',
        lines: digest.topPosts.map((post) => {
          const marks = [...(post.petition ? ['petition'] : []), `sentiment ${signed(post.score)}`, ...post.sources];
          return { text: `${oneLine(post.title) || '(untitled)'} [${marks.join(', ')}]`, link: post.link ?? undefined };
        }),
      },
      {
        title: 'Alerts',
        empty: 'No alerts.',
        lines: digest.alerts.map((alert) => ({
          text: `${alert.kind.replace(/-/g, ' ')} ${timeOfDay(alert.windowStart, digest.timeZone)}: ${alert.count} (usual ${decimal(alert.baseline)})`,
        })),
      },
      {
        title: 'Sources needing attention',
        empty: 'All sources are healthy.',
        lines: digest.sourcesNeedingAttention.map((source) => ({
          text: `${source.sourceId} (${source.type}): ${source.health}${source.lastError ? ` - ${oneLine(source.lastError).slice(0, 200)}` : ''}${source.rejected > 0 ? `; ${source.rejected} unreadable item(s)` : ''}`,
        })),
      },
    ],
    command: `npx fanpulse trends --topic ${digest.topic} --since ${digest.since} --until ${digest.until} --bucket day`,
    footer: `fanpulse digest ${digest.id}`,
  };
}

/** The e-mail (SNS, the local sink, the webhook's `text`): subject and plain-text body. */
export function formatDigestText(digest: Digest): { subject: string; body: string } {
  const message = digestMessage(digest);
  const width = Math.max(...message.fields.map((f) => f.name.length));
  const lines = [message.heading, '', ...message.fields.map((f) => `  ${`${f.name}:`.padEnd(width + 3)}${f.value}`)];
  for (const section of message.sections) {
    lines.push('', section.title);
    if (section.lines.length === 0) lines.push(`  ${section.empty}`);
    section.lines.forEach((line, i) => {
      lines.push(section.title === 'Top posts' ? `  ${i + 1}. ${line.text}` : `  ${line.text}`);
      if (section.title === 'Top posts') lines.push(`     ${line.link ?? '(no link)'}`);
    });
  }
  lines.push('', 'Look further', `  ${message.command}`, '', '--', message.footer);
  return { subject: message.subject, body: lines.join('\n') + '\n' };
}

function subject(digest: Digest): string {
  const head = `fanpulse ${digest.period} digest: "`;
  const tail = `" ${digest.firstDay} - ${digest.totals.posts} posts, ${digest.totals.petitionMentions} petition mentions`;
  const name = toAsciiLine(digest.topicName) || digest.topic;
  const room = SUBJECT_MAX_LENGTH - head.length - tail.length;
  if (name.length <= room) return head + name + tail;
  return head + name.slice(0, Math.max(1, room - 3)).trimEnd() + '...' + tail;
}

const decimal = (value: number) => String(Number(value.toFixed(1)));
const signed = (value: number) => {
  const text = value.toFixed(2);
  return value > 0 && text !== '0.00' ? `+${text}` : text === '-0.00' ? '0.00' : text;
};

/** "42 (usual 30.1, +40%)"; without a usual to compare with, "42 (usual 0)". */
function compared(value: number, usual: number): string {
  if (usual === 0) return `${value} (usual 0)`;
  const change = Math.round(((value - usual) / usual) * 100);
  return `${value} (usual ${decimal(usual)}, ${change >= 0 ? '+' : ''}${change}%)`;
}

const split = (totals: DigestTotals) => `${totals.positive} positive, ${totals.negative} negative, ${totals.neutral} neutral`;
const dayName = (date: string) => DAY_NAMES[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!;

/** "14:00 UTC (06:00 America/Los_Angeles)", or the UTC time alone when the zone is UTC. */
function timeOfDay(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  const utc = new Date(ms).toISOString().slice(11, 16);
  if (timeZone === 'UTC') return `${utc} UTC`;
  const local = wallClock(ms, timeZone);
  return `${utc} UTC (${local.date.slice(5)} ${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')} ${timeZone})`;
}
