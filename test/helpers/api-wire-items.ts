// Bluesky postViews and YouTube commentThreads built from a few plain fields, in the shapes the local
// servers serve (test/helpers/bluesky-server.ts, test/helpers/youtube-api.ts; field by field as in
// test/fixtures/bluesky/searchPosts.json and test/fixtures/youtube/commentThreads-*.json, whose READMEs
// cite the lexicons and the Data API reference). `unreadable` drops a required field, as those fixtures'
// own broken items do, so the adapter must count it as rejected.

type Json = Record<string, unknown>;

export interface WireItem {
  /** Unique within its type. */
  id: number;
  /** ISO time it was posted. */
  at: string;
  text: string;
  /** A link card's article and title (Bluesky only). */
  card?: { uri: string; title: string };
  unreadable?: boolean;
}

const BSKY_DID = 'did:plc:e2efan7xk2bq5ld7hmqq';

export const blueskyUri = (item: WireItem) => `at://${BSKY_DID}/app.bsky.feed.post/3m6e2e${item.id}s2k`;

/** app.bsky.feed.defs#postView, indexed the moment it was created. */
export function blueskyPostView(item: WireItem): Json {
  const record: Json = { $type: 'app.bsky.feed.post', text: item.text, langs: ['en'], createdAt: item.at };
  if (item.unreadable) delete record['createdAt'];
  const view: Json = {
    uri: blueskyUri(item),
    cid: `bafyreie2e${item.id}`,
    author: { did: BSKY_DID, handle: 'e2efan.bsky.social', displayName: 'E2E Fan', labels: [] },
    record,
    bookmarkCount: 0,
    replyCount: 0,
    repostCount: 0,
    likeCount: 1,
    quoteCount: 0,
    indexedAt: item.at,
    labels: [],
  };
  if (item.card) {
    const external = { uri: item.card.uri, title: item.card.title, description: '' };
    record['embed'] = { $type: 'app.bsky.embed.external', external };
    view['embed'] = { $type: 'app.bsky.embed.external#view', external };
  }
  return view;
}

export const youtubeCommentId = (item: WireItem) => `UgxE2e${String(item.id).padStart(4, '0')}AaABAg`;

/** youtube#commentThread on `videoId`, its top-level comment in plain text (the source asks textFormat=plainText). */
export function youtubeThread(item: WireItem, videoId: string, channelId: string): Json {
  const id = youtubeCommentId(item);
  const snippet: Json = {
    channelId,
    videoId,
    textDisplay: item.text,
    textOriginal: item.text,
    authorDisplayName: '@e2efan',
    authorProfileImageUrl: 'https://yt3.ggpht.com/ytc/e2efan=s48-c-k-c0x00ffffff-no-rj',
    authorChannelUrl: 'http://www.youtube.com/@e2efan',
    authorChannelId: { value: 'UCe2efan0000000000000000' },
    canRate: true,
    viewerRating: 'none',
    likeCount: 0,
    publishedAt: item.at,
    updatedAt: item.at,
  };
  if (item.unreadable) delete snippet['publishedAt'];
  return {
    kind: 'youtube#commentThread',
    etag: `e2e${item.id}`,
    id,
    snippet: { channelId, videoId, topLevelComment: { kind: 'youtube#comment', etag: `e2ec${item.id}`, id, snippet }, canReply: true, totalReplyCount: 0, isPublic: true },
  };
}
