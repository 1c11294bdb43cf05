// Drives a Source the way the pipeline does, for the source adapters' tests.

import { expect } from 'vitest';
import { FetchError } from '../../lambdas/core/errors.ts';
import type { Source, SourcePoll } from '../../lambdas/core/ports.ts';
import { afterSuccess } from '../../lambdas/core/source-health.ts';
import type { Post, SourceState } from '../../lambdas/core/types.ts';

/** One pass: the poll, its posts, and the state the store would keep for the next pass. */
export async function pass(source: Source, state: SourceState, now: Date): Promise<{ poll: SourcePoll; posts: Post[]; state: SourceState }> {
  const poll = await source.poll(state, now);
  return { poll, posts: poll.posts, state: afterSuccess(state, poll, now) };
}

/** The FetchError a poll fails with (the test fails if it does not fail, or fails otherwise). */
export async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the poll to fail');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}
