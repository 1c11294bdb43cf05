// What a reading command says on stderr when its answer would be empty for a reason the user can fix:
// a store never polled (a mistyped --data-dir) or one counted for other topics (a forgotten --config).

import type { Config } from '../config/schema.ts';
import type { StoreConnection } from './store-connection.ts';

/** `dataDir` names the store when it is the embedded one (what the user typed), else the table and endpoint. */
export async function noteStoreContents(connection: StoreConnection, config: Config, dataDir: string): Promise<void> {
  const say = (line: string) => console.error(`fanpulse: ${line}`);
  const where = connection.where.startsWith('embedded store') ? dataDir : connection.where;
  const stored = await connection.store.storedTopics();
  if (stored.length === 0) {
    say(`no data in ${where} (was it polled?)`);
    return;
  }
  const named = new Set(config.topics.map((topic) => topic.id));
  const others = stored.filter((topic) => !named.has(topic));
  if (others.length > 0) say(`the store holds topics ${others.join(', ')} that this config does not name (is --config the one it was polled with?)`);
}
