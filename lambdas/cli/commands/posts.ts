// `fanpulse posts`: the posts behind the numbers, newest first, a page at a time.

import { postsParamsSchema, parseParams } from '../../query/params.ts';
import { planPosts } from '../../query/read.ts';
import { renderCsv, renderJson, renderTable } from '../../query/format.ts';
import { postColumns, postTableColumns } from '../../query/post-columns.ts';
import { clock, readConfig, withStore, type CommonOptions } from '../context.ts';

export async function run(options: CommonOptions & Record<string, string | boolean | undefined>): Promise<string> {
  const { config: _config, dataDir: _dataDir, now: _now, ...flags } = options;
  const params = parseParams(postsParamsSchema, flags);
  const config = await readConfig(options);
  const read = planPosts(config, params, clock(options)); // bad ids, range or cursor fail before the store starts
  const page = await withStore(options, read);
  if (params.format === 'json') return renderJson(page);
  if (params.format === 'csv') {
    if (page.next) process.stderr.write(`fanpulse: more posts: add --cursor ${page.next}\n`);
    return renderCsv(page.posts, postColumns);
  }
  const more = page.next ? `more: --cursor ${page.next}\n` : '';
  return renderTable(page.posts, postTableColumns) + `${page.posts.length} post(s)\n` + more;
}
