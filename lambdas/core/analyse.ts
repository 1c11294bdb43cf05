// What one post means for the campaign: the topics it counts for, and how it feels.

import { matchableText, type TopicMatcher } from './match.ts';
import { scoreText } from './score.ts';
import type { Post, Sentiment, TopicMatch } from './types.ts';

export interface PostAnalysis {
  topics: TopicMatch[];
  sentiment: Sentiment;
}

export function analysePost(post: Post, topicIds: readonly string[], matcher: TopicMatcher): PostAnalysis {
  return { topics: matcher.match(matchableText(post), topicIds), sentiment: scoreText(`${post.title}\n${post.text}`) };
}
