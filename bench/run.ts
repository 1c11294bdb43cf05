// `npm run bench [-- name ...]`: runs every benchmark (or the named ones) and prints figures.
// Each module under bench/ exports `main()`, which prints its own section.

const benches: Record<string, () => Promise<{ main: () => Promise<void> }>> = {
  sentiment: () => import('./sentiment.ts'),
  detect: () => import('./detect.ts'),
  'alert-kinds': () => import('./alert-kinds.ts'),
  feeds: () => import('./feeds.ts'),
  ingest: () => import('./ingest.ts'),
  'poll-cost': () => import('./poll-cost.ts'),
  dashboard: () => import('./dashboard.ts'),
  shard: () => import('./shard.ts'),
  fanout: () => import('./fanout.ts'),
  'post-writes': () => import('./post-writes.ts'),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark "${name}"; choose from: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n## ${name}`);
  await (await load()).main();
}
