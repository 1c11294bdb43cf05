import { describe, expect, it } from 'vitest';
import { sourceForTarget } from '../../../lambdas/cli/inspect-target.ts';

describe('sourceForTarget, reddit', () => {
  it("leaves Reddit's own hosts to the source, which reads oauth.reddit.com with credentials and www.reddit.com without", () => {
    const listing = sourceForTarget('reddit', 'https://www.reddit.com/r/BoschLegacy/new/.rss', ['t']);
    expect(listing).toMatchObject({ type: 'reddit', subreddit: 'BoschLegacy' });
    expect(listing).not.toHaveProperty('baseUrl');
    const search = sourceForTarget('reddit', 'https://old.reddit.com/search?q=bosch+legacy&sort=new', ['t']);
    expect(search).toMatchObject({ type: 'reddit', search: 'bosch legacy' });
    expect(search).not.toHaveProperty('baseUrl');
  });

  it('keeps any other host as baseUrl: a mirror or a local server', () => {
    expect(sourceForTarget('reddit', 'http://127.0.0.1:8080/r/BoschLegacy', ['t'])).toMatchObject({ subreddit: 'BoschLegacy', baseUrl: 'http://127.0.0.1:8080' });
  });
});
