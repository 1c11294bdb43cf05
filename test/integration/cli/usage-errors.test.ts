// What a user sees when a command line or a config file is wrong: exit 2 (usage), one message that
// names the flag, file or field and how to fix it, never a stack trace. And `--help` everywhere.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackTraceLines, type CliResult } from '../../helpers/cli.ts';

const config = (name: string) => fileURLToPath(new URL(`../../fixtures/configs/${name}`, import.meta.url));
const VALID_CONFIG = config('valid.json');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-usage-'));
});

let runs = 0;
/**
 * Runs against the valid config (unless the args name another) and an empty data dir of its own:
 * the checks run concurrently, and of two short-lived processes on one data dir, the one that
 * joined the other's embedded store loses it when that one exits.
 */
const cli = (...args: string[]) =>
  runCli([...args, ...(args.includes('--config') ? [] : ['--config', VALID_CONFIG]), '--data-dir', join(dir, `data-${runs++}`)]);

function expectUsageError(result: CliResult, message: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(stackTraceLines(result.stderr)).toEqual([]);
}

describe('fanpulse flags', () => {
  it('rejects an unknown flag, command or missing required flag with exit 2 and what was wrong', async () => {
    const [flag, command, series] = await Promise.all([cli('trends', '--bogus'), cli('frobnicate'), cli('detect')]);
    expectUsageError(flag, /unknown option '--bogus'/);
    expectUsageError(command, /unknown command 'frobnicate'/);
    expectUsageError(series, /--series/);
  });

  it('rejects a --format or --bucket value outside its choices, listing the allowed ones', async () => {
    const [trends, alerts, bucket, sources, inspect] = await Promise.all([
      cli('trends', '--format', 'xml'),
      cli('alerts', '--format', 'csv'),
      cli('trends', '--bucket', 'week'),
      cli('sources', '--format', 'csv'),
      runCli(['inspect', 'feed.xml', '--type', 'gopher', '--config', VALID_CONFIG]),
    ]);
    // Each command's schema owns its choices (the query ones say the same over HTTP); commander only names the flags.
    expectUsageError(trends, /^fanpulse: format: must be "table", "json", "csv" or "chart"/);
    expectUsageError(alerts, /^fanpulse: format: must be "table" or "json"/);
    expectUsageError(bucket, /^fanpulse: bucket: must be "hour" or "day"/);
    expectUsageError(sources, /^fanpulse: format: must be "table" or "json"/);
    expectUsageError(inspect, /^fanpulse: type: must be one of rss, reddit, .*youtube/);
  });

  it('names --since or --until when it is neither a duration nor an ISO time, or the range is empty', async () => {
    const [trendsSince, alertsSince, until, backwards, untilDuration] = await Promise.all([
      cli('trends', '--since', 'yesterday'),
      cli('alerts', '--since', '3x'),
      cli('trends', '--until', 'soon'),
      cli('trends', '--since', '2026-11-20T00:00:00Z', '--until', '2026-11-19T00:00:00Z'),
      cli('trends', '--until', '7d'),
    ]);
    expectUsageError(trendsSince, /^fanpulse: since: .*7d.*ISO-8601/);
    expectUsageError(alertsSince, /^fanpulse: since: /);
    expectUsageError(until, /^fanpulse: until: /);
    expectUsageError(backwards, /until .* must be after since/);
    // The default since is 7d too: the message says how durations count and how to give a range.
    expectUsageError(untilDuration, /until .* must be after since .*--until 7d means 7 days ago.*--since 14d --until 7d/);
  });

  it('names an unknown --topic or --source and lists the configured ones', async () => {
    const [topic, source] = await Promise.all([cli('trends', '--topic', 'nope'), cli('trends', '--source', 'nope')]);
    expectUsageError(topic, /unknown topic "nope".*bosch-legacy, ballard/);
    expectUsageError(source, /unknown source "nope".*fans/);
  });

  it('rejects a --now that is not an ISO-8601 time, before polling anything', async () => {
    const [trends, poll] = await Promise.all([cli('trends', '--now', 'tomorrow'), cli('poll', '--once', '--now', '2026-13-45')]);
    expectUsageError(trends, /--now .*"tomorrow"/);
    expectUsageError(poll, /--now .*"2026-13-45"/);
  });
});

describe('fanpulse config errors', () => {
  it('names a config file that does not exist, or is not JSON', async () => {
    const missing = join(dir, 'missing.json');
    const [absent, notJson] = await Promise.all([cli('poll', '--once', '--config', missing), cli('poll', '--once', '--config', config('not-json.json'))]);
    expectUsageError(absent, new RegExp(`cannot read config file ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*--config`));
    expectUsageError(notJson, /not-json\.json is not valid JSON/);
  });

  it('names the field that is wrong', async () => {
    const [url, topic, pValue] = await Promise.all(
      ['bad-source-url.json', 'unknown-source-topic.json', 'max-p-value-string.json'].map((name) => cli('poll', '--once', '--config', config(name))),
    );
    expectUsageError(url!, /sources\[0\]\.url: must be a full http\(s\) URL/);
    expectUsageError(topic!, /sources\[0\]\.topics\[1\]: unknown topic "ballard"/);
    expectUsageError(pValue!, /alerts\.maxPValue: .*number/);
  });
});

describe('fanpulse --help', () => {
  const flags: Record<string, string[]> = {
    poll: ['--once', '--config', '--now', '--data-dir'],
    trends: ['--topic', '--source', '--since', '--until', '--bucket', '--format', '--config', '--now', '--data-dir'],
    alerts: ['--since', '--until', '--format', '--config', '--now', '--data-dir'],
    sources: ['--format', '--config', '--data-dir'],
    score: [],
    detect: ['--series', '--kind', '--column', '--topic', '--format', '--config'],
    inspect: ['--type', '--format', '--config'],
    demo: ['--data-dir'],
  };

  it('lists every command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of Object.keys(flags)) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it("exits 0 on each command's --help and lists its flags", async () => {
    const results = await Promise.all(Object.keys(flags).map((command) => runCli([command, '--help'])));
    Object.entries(flags).forEach(([command, expected], i) => {
      const { code, stdout } = results[i]!;
      expect(code, command).toBe(0);
      expect(stdout, command).toContain(`Usage: fanpulse ${command}`);
      for (const flag of [...expected, '--help']) expect(stdout, `${command} ${flag}`).toMatch(new RegExp(`^  (-\\w, )?${flag}\\b`, 'm'));
    });
  });
});
