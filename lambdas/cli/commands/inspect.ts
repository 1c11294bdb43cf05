// `fanpulse inspect <URL|FILE>`: what the pipeline makes of one source document, storing nothing.

import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createHttpFetcher } from '../../adapters/http-fetcher.ts';
import { readEnv } from '../../config/env.ts';
import type { Config, SourceType } from '../../config/schema.ts';
import { initialSourceState } from '../../core/source-health.ts';
import type { Post } from '../../core/types.ts';
import { sourceForTarget } from '../inspect-target.ts';
import { UsageError } from '../../core/errors.ts';
import { compileTopics } from '../../core/match.ts';
import { readFeed } from '../../core/normalise.ts';
import { analysePost } from '../../core/analyse.ts';
import { clock, readConfig, type CommonOptions } from '../context.ts';
import { commandOptions, inspectOptionsSchema } from '../options.ts';
import { renderJson, renderTable, type Column } from '../../query/format.ts';

/** One row of `inspect --format json`: what the pipeline made of one item. */
export interface InspectedPost {
  id: string;
  link: string | null;
  published: string | null;
  author: string | null;
  title: string;
  text: string;
  topics: string[];
  petition: boolean;
  score: number;
  label: string;
}

const columns: Column<InspectedPost>[] = [
  { header: 'published', value: (p) => p.published ?? '(none)' },
  { header: 'topics', value: (p) => p.topics.join(',') || '-' },
  { header: 'petition', value: (p) => (p.petition ? 'yes' : '') },
  { header: 'score', value: (p) => p.score, numeric: true },
  { header: 'label', value: (p) => p.label },
  { header: 'title', value: (p) => (p.title.length > 70 ? `${p.title.slice(0, 69)}…` : p.title) },
];

async function load(target: string, poll: Parameters<typeof createHttpFetcher>[0]) {
  if (/^https?:\/\//i.test(target)) {
    const response = await createHttpFetcher(poll).get({ url: target });
    if (response.notModified) throw new UsageError(`${target} answered 304 Not Modified to an unconditional request`);
    return { body: response.body, contentType: response.contentType, url: response.url };
  }
  try {
    return { body: await readFile(target), contentType: null, url: pathToFileURL(target).href };
  } catch (cause) {
    throw new UsageError(`cannot read ${target}: ${(cause as Error).message}`, { cause });
  }
}

/** The API types read what a first poll would: the source's newest items, storing nothing. */
async function pollOnce(type: Exclude<SourceType, 'rss'>, target: string, config: Config, now: Date): Promise<Post[]> {
  readEnv(); // checks the credential pairs
  // Loaded here: an RSS file or URL needs none of the API sources' code.
  const { createSource } = await import('../../adapters/sources/create-source.ts');
  const source = createSource(
    sourceForTarget(type, target, config.topics.map((t) => t.id)),
    createHttpFetcher(config.poll),
    { credentials: process.env },
  );
  return (await source.poll(initialSourceState('inspect'), now)).posts;
}

export async function run(options: CommonOptions & Record<string, unknown>, target: string): Promise<string> {
  const { type, format } = commandOptions(inspectOptionsSchema, options);
  const config = await readConfig(options);
  let posts: Post[];
  if (type === 'rss') {
    const document = await load(target, config.poll);
    posts = readFeed(document.body, document.contentType, { sourceId: 'inspect', feedUrl: document.url });
  } else {
    posts = await pollOnce(type, target, config, clock(options));
  }
  const matcher = compileTopics(config.topics);
  const topicIds = config.topics.map((t) => t.id);
  const rows: InspectedPost[] = posts.map((post) => {
    const { topics, sentiment } = analysePost(post, topicIds, matcher);
    return {
      id: post.id,
      link: post.link,
      published: post.published,
      author: post.author,
      title: post.title,
      text: post.text,
      topics: topics.map((t) => t.topicId),
      petition: topics.some((t) => t.petition),
      score: sentiment.score,
      label: sentiment.label,
    };
  });
  return format === 'json' ? renderJson(rows) : renderTable(rows, columns) + `${rows.length} item(s)\n`;
}
