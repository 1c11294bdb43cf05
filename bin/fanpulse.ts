// The `fanpulse` CLI: commands are loaded lazily so `--help` stays instant.
// Exit codes: 0 ok, 1 runtime failure (store unreachable, internal error), 2 usage (bad flag, bad config).

import { Command, CommanderError, Option } from 'commander';
import { ConfigError, FanpulseError, UsageError } from '../lambdas/core/errors.ts';
import { SOURCE_TYPES } from '../lambdas/config/source-types.ts';

// Each command declares the options it reads; commander has checked their presence and choices.
type CommandModule = { run(options: never, ...args: string[]): Promise<string> };

// The SDK warns on every run that its 2027 releases need Node 22; the lock file pins a release
// that supports this Node, and the README says so. Users who want the warning can set it to false.
// (Set before any command loads the SDK: commands are imported only when they run.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `fanpulse trends --format csv | head -1`: the reader has what it wanted; stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('fanpulse')
  .description('Social-sentiment monitor for fan campaigns: poll feeds, score posts, watch petition spikes.')
  .addHelpText('after', '\nTimes in flags (--since, --until, --now) without a zone are read as UTC, like every time fanpulse prints.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const configOption = () => new Option('--config <file>', 'config file (default: ./fanpulse.config.json, else the shipped one)');
const dataDirOption = () => new Option('--data-dir <dir>', 'where the embedded store keeps its data (default .fanpulse)');
const nowOption = () => new Option('--now <iso>', 'the clock for detection and first-seen times (replays, tests)');
// The period of trends and posts: the same defaults (lambdas/query/params.ts), so the same words.
const sinceOption = () => new Option('--since <7d|ISO>', 'start: a duration back from now (36h, 7d, 2w) or an ISO time (default 7d)');
const untilOption = () => new Option('--until <ISO>', 'end (exclusive); default: the end of the current hour');

/** Adds a command whose work lives in lambdas/cli/commands/<name>.ts, imported only when it runs. */
function command(name: string, description: string, load: () => Promise<CommandModule>): Command {
  return program
    .command(name)
    .description(description)
    .action(async (...args: unknown[]) => {
      // commander passes positional arguments, then the options object, then the command.
      const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string');
      const options = args.at(-2) as never;
      const output = await (await load()).run(options, ...positional);
      if (output) process.stdout.write(output);
    });
}

command('poll', 'poll every source (once with --once, else on the configured interval)', () => import('../lambdas/cli/commands/poll.ts'))
  .option('--once', 'one pass, then exit')
  .addOption(configOption())
  .addOption(nowOption())
  .addOption(dataDirOption());

command('trends', 'posts, petition mentions and sentiment per hour or day', () => import('../lambdas/cli/commands/trends.ts'))
  .option('--topic <id>', 'one topic')
  .option('--source <id>', "one source's own counts")
  .addOption(sinceOption())
  .addOption(untilOption())
  .option('--bucket <size>', 'hour or day (default hour)')
  .option('--format <format>', 'table, json, csv or chart (default table)')
  .addOption(configOption())
  .addOption(nowOption())
  .addOption(dataDirOption());

command('alerts', 'petition spikes detected, and whether they were delivered', () => import('../lambdas/cli/commands/alerts.ts'))
  .option('--since <7d|ISO>', 'start: a duration back from now or an ISO time (default 30d)')
  .option('--until <ISO>', 'end (exclusive)')
  .option('--format <format>', 'table or json (default table)')
  .addOption(configOption())
  .addOption(nowOption())
  .addOption(dataDirOption());

command('sources', "each source's health, last success, last error and items seen", () => import('../lambdas/cli/commands/sources.ts'))
  .option('--format <format>', 'table or json (default table)')
  .addOption(configOption())
  .addOption(dataDirOption());

command('posts', 'the posts behind the numbers, newest first', () => import('../lambdas/cli/commands/posts.ts'))
  .option('--topic <id>', 'one topic')
  .option('--source <id>', 'the posts one source counted')
  .addOption(sinceOption())
  .addOption(untilOption())
  .option('--petition', 'only petition mentions')
  .option('--label <label>', 'only positive, negative or neutral posts')
  .option('--limit <n>', 'posts per page, 1-500 (default 50)')
  .option('--cursor <next>', 'the next page: the cursor the previous page printed')
  .option('--format <format>', 'table, json or csv (default table)')
  .addOption(configOption())
  .addOption(nowOption())
  .addOption(dataDirOption());

command('summary', 'per topic: the last days, the latest alert, and the sources needing attention', () => import('../lambdas/cli/commands/summary.ts'))
  .option('--since <7d|ISO>', 'how far back the daily table goes (default 7d)')
  .option('--format <format>', 'table or json (default table)')
  .addOption(configOption())
  .addOption(nowOption())
  .addOption(dataDirOption());

command('serve', 'the read-only HTTP API and the dashboard page on this machine', () => import('../lambdas/cli/commands/serve.ts'))
  .option('--port <n>', 'port to listen on; 0 picks a free one (default 8787)')
  .option('--host <address>', 'address to bind (default 127.0.0.1: this machine only)')
  .option('--open', 'open the dashboard in the browser')
  .addOption(configOption())
  .addOption(dataDirOption());

command('score', 'score texts from stdin (one per line) as JSON lines', () => import('../lambdas/cli/commands/score.ts'));

command('detect', 'replay a kind of alert over an hourly series (what trends --format csv writes) to tune its settings', () =>
  import('../lambdas/cli/commands/detect.ts'),
)
  .requiredOption('--series <file>', 'the series: fanpulse trends --bucket hour --format csv output, or timestamp,count rows (sub-hour rows summed)')
  .option('--kind <kind>', 'petition-spike, volume-spike or negativity-surge (default petition-spike)')
  .option('--column <name>', 'the trends column a spike counts (default petitionMentions; posts for volume-spike)')
  .option('--topic <id>', 'one topic of a trends CSV that holds several (default: each in turn)')
  .option('--format <format>', 'json or table (default json)')
  .addOption(configOption());

command('inspect', 'show what the pipeline makes of one source (a feed URL or file, or an API source), storing nothing', () =>
  import('../lambdas/cli/commands/inspect.ts'),
)
  .argument('<target>', 'rss: a feed URL or file; reddit: r/NAME or a search; mastodon: https://HOST/tags/TAG; discourse: the forum URL; lemmy: https://HOST/c/COMMUNITY; hackernews: a query')
  .option('--type <type>', `source type: ${SOURCE_TYPES.join(', ')} (default rss)`)
  .option('--format <format>', 'table or json (default table)')
  .addOption(configOption())
  .addOption(nowOption());

command('recount', 'after a config change: match the stored posts of the period again and rebuild their buckets exactly', () =>
  import('../lambdas/cli/commands/recount.ts'),
)
  .option('--since <30d|ISO>', 'start: a duration back from now or an ISO time (default 30d); the period runs to the end of the current hour')
  .addOption(configOption())
  .addOption(nowOption())
  .addOption(dataDirOption());

command('demo', 'the offline demo: local fixture feeds → poll → trends, chart and an alert', () => import('../lambdas/cli/commands/demo.ts'))
  .addOption(new Option('--data-dir <dir>', 'where the demo keeps its store (default: a fresh temp folder)'));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCode(error);
}

function exitCode(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has already printed the problem (or the help/version it was asked for).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(`fanpulse: ${error.message}`);
    return 2;
  }
  if (error instanceof FanpulseError) {
    console.error(`fanpulse: ${error.message}`);
    return 1;
  }
  console.error(`fanpulse: internal error: ${(error as Error)?.message ?? String(error)}`);
  if (process.env.FANPULSE_DEBUG) console.error(error);
  return 1;
}
