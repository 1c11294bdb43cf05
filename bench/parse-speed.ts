// `fanpulse inspect FILE --format json` (parse, normalise, match, score, print; the whole process)
// against Python's feedparser parsing the same 5,000-item RSS file (the whole process too), runs
// alternating so a busy machine slows both alike; and how long `fanpulse --help` takes.
// Debian's python3-feedparser is installed with apt-get when /usr/bin/python3 cannot import it.

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigFeed } from './big-feed.ts';
import { builtCli, median, timeProcess, type ProcessRun } from './process-runs.ts';

const ITEMS = Number(process.env.BENCH_PARSE_ITEMS ?? 5000);
const ROUNDS = Number(process.env.BENCH_PARSE_ROUNDS ?? 7);
/** Debian's interpreter: apt's python3-feedparser installs for it, not for a pyenv or venv python. */
const PYTHON = '/usr/bin/python3';
const FEEDPARSER = 'import sys, feedparser; feedparser.parse(sys.argv[1])';

const TARGET_RATIO = 0.2;
const TARGET_HELP_MS = 300;

function feedparserVersion(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import feedparser; print(feedparser.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

/** feedparser's version, installing Debian's package first when it is missing; null when that fails. */
function ensureFeedparser(): string | null {
  const present = feedparserVersion();
  if (present) return present;
  console.log('  python3-feedparser is missing: apt-get install -y python3-feedparser');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-feedparser'], { stdio: 'inherit', env }).status === 0;
  // A fresh machine may not have the package lists yet.
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    install();
  }
  return feedparserVersion();
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const cpu = (runs: ProcessRun[]) => (runs.every((r) => r.cpuMs !== null) ? `, CPU ${seconds(median(runs.map((r) => r.cpuMs!)))}` : '');

function check(run: ProcessRun, what: string): ProcessRun {
  if (run.status !== 0) throw new Error(`${what} exited with ${run.status}: ${run.stderr}`);
  return run;
}

export async function measureParseSpeed(): Promise<void> {
  const cli = await builtCli();
  const version = ensureFeedparser();
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-parse-bench-'));
  try {
    const file = join(dir, 'feed.xml');
    const body = bigFeed(ITEMS);
    await writeFile(file, body);
    console.log(`\nparse speed: ${ITEMS} RSS items (${(body.length / 1e6).toFixed(1)} MB, bench/big-feed.ts), ${ROUNDS} alternating rounds, whole processes`);

    if (version === null) {
      console.log(`  (skipped: ${PYTHON} cannot import feedparser and apt-get could not install python3-feedparser)`);
    } else {
      const ours: ProcessRun[] = [];
      const theirs: ProcessRun[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        theirs.push(check(await timeProcess(PYTHON, ['-c', FEEDPARSER, file]), 'feedparser'));
        ours.push(check(await timeProcess(process.execPath, [cli, 'inspect', file, '--format', 'json']), 'fanpulse inspect'));
      }
      const ratios = ours.map((run, i) => run.wallMs / theirs[i]!.wallMs);
      console.log(`  python3-feedparser ${version}, feedparser.parse(file): median ${seconds(median(theirs.map((r) => r.wallMs)))}${cpu(theirs)}`);
      console.log(`  fanpulse inspect FILE --format json:          median ${seconds(median(ours.map((r) => r.wallMs)))}${cpu(ours)}`);
      const ratio = median(ratios);
      console.log(`  inspect / feedparser, median of the rounds' ratios: ${ratio.toFixed(2)}  (target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`);
      if (ours.every((r) => r.cpuMs !== null)) {
        const cpuRatio = median(ours.map((run, i) => run.cpuMs! / theirs[i]!.cpuMs!));
        console.log(`  the same by CPU time (less disturbed by other work on the machine): ${cpuRatio.toFixed(2)}`);
      }
    }

    const help: ProcessRun[] = [];
    const bare: ProcessRun[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      help.push(check(await timeProcess(process.execPath, [cli, '--help']), 'fanpulse --help'));
      bare.push(check(await timeProcess(process.execPath, ['-e', '0']), 'node -e 0'));
    }
    const helpMs = median(help.map((r) => r.wallMs));
    console.log(`  fanpulse --help: median ${seconds(helpMs)}${cpu(help)}  (target ≤ ${seconds(TARGET_HELP_MS)}: ${helpMs <= TARGET_HELP_MS ? 'met' : 'NOT met'}); an empty node process here: ${seconds(median(bare.map((r) => r.wallMs)))}${cpu(bare)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
