// Where a monitor's data lives, as plain data, and the shell command that reads it from there:
// alerts quote it so a reader can look further against the same config and store.

export type StoreLocation =
  /** The embedded store under a data dir (the CLI's default). */
  | { kind: 'data-dir'; dataDir: string }
  /** A DynamoDB table: a deployed stack's (region), or one at an endpoint (DynamoDB Local). */
  | { kind: 'table'; table: string; region?: string | undefined; endpoint?: string | undefined };

/** A store and the config file that goes with it. */
export type StoreAddress = StoreLocation & { configPath: string };

/** `npx fanpulse <args>` against the address: its config, and its data dir or its table's variables. */
export function fanpulseCommand(address: StoreAddress, args: readonly string[]): string {
  const where = ['--config', address.configPath, ...(address.kind === 'data-dir' ? ['--data-dir', address.dataDir] : [])];
  const env =
    address.kind === 'table'
      ? [
          ...(address.region ? [`AWS_REGION=${shellWord(address.region)}`] : []),
          ...(address.endpoint ? [`DYNAMODB_ENDPOINT=${shellWord(address.endpoint)}`] : []),
          `FANPULSE_TABLE=${shellWord(address.table)}`,
        ]
      : [];
  return [...env, 'npx', 'fanpulse', ...args.map(shellWord), ...where.map(shellWord)].join(' ');
}

/** A word a POSIX shell reads back unchanged: as is when safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
