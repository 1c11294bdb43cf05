// The source types a config may name. Kept apart from the zod schemas so that the CLI can offer
// them as choices in `--help` without loading zod.

export const SOURCE_TYPES = ['rss', 'reddit', 'mastodon', 'discourse', 'lemmy', 'hackernews', 'bluesky', 'youtube'] as const;
