// The one table's schema and item keys: the single definition the store adapter and the CDK
// construct (lib/constructs/storage.ts) both import. Plain data, no SDK.
//
// Items (pk / sk):
//   POST#<postId> / POST               a post, once however many sources link it (first one wins);
//                                      postId is the id the buckets count it under, so a bucket
//                                      leads to its posts without a scan
//   TREND#<topic> / <hour ISO>          one topic's hourly bucket: the topic-wide counters (each
//                                      post once) and, as `src:<id>:<counter>`, each source's own
//   TREND#<topic> / <hour ISO>#<path>   more nodes of that hour once its first one filled, each
//                                      holding its own posts' counters (store/bucket-nodes.ts);
//                                      readers sum an hour's nodes
//   SOURCE / <sourceId>                 validators, cursor and health of a source
//   SESSION / <key>                     a login session sources share (e.g. a Bluesky account's tokens)
//   LOCK / PASS                         the pass lock (holder and lease)
//   FANOUT / <passId>                   a pass fanned out to workers: its batch count, the event that
//                                       planned it, whether all were queued, the batches stored, the
//                                       finish's claim and when it finished (expires)
//   ALERTSTATE / <topic>#<kind>         cooldown and the alert being delivered
//   ALERT / <windowStart>#<alertId>     alert history
//   DELIVERY#<alertId> / <channel>      one channel's delivery of one alert (sent, deferred, dead)
//   CHANNEL / <channel>                 a channel found dead (its webhook answered 404)
//   META / TOPICS, META / CHANGES       the topics ever counted; the change counter (change-counter.ts)
//   META / EXPIRY                       when a table without TTL last had its expired items swept (expiry.ts)

export const KEY_SCHEMA = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** The attribute raw posts expire on (epoch seconds), set by the store from `poll.postRetentionDays`. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** The id a post is counted and stored under; buckets keep sets of these, 12 bytes each. */
export { postId } from '../../core/post-id.ts';

export const keys = {
  post: (id: string): ItemKey => ({ pk: `POST#${id}`, sk: 'POST' }),
  trendPartition: (topic: string) => `TREND#${topic}`,
  source: (sourceId: string): ItemKey => ({ pk: 'SOURCE', sk: sourceId }),
  session: (key: string): ItemKey => ({ pk: 'SESSION', sk: key }),
  passLock: { pk: 'LOCK', sk: 'PASS' } as ItemKey,
  fanOutPass: (passId: string): ItemKey => ({ pk: 'FANOUT', sk: passId }),
  /** The topics ever counted, so a reader can tell an empty store or a config that names others. */
  storedTopics: { pk: 'META', sk: 'TOPICS' } as ItemKey,
  /** The change counter and its open write windows (store/change-counter.ts): what an exact read cache checks. */
  changes: { pk: 'META', sk: 'CHANGES' } as ItemKey,
  /** When the expired items of a table without TTL (dynalite) were last deleted (store/expiry.ts). */
  expirySweep: { pk: 'META', sk: 'EXPIRY' } as ItemKey,
  alertState: (topic: string, kind: string): ItemKey => ({ pk: 'ALERTSTATE', sk: `${topic}#${kind}` }),
  alertStatePartition: 'ALERTSTATE',
  alertHistoryPartition: 'ALERT',
  alertHistory: (windowStart: string, alertId: string): ItemKey => ({ pk: 'ALERT', sk: `${windowStart}#${alertId}` }),
  deliveryPartition: (alertId: string) => `DELIVERY#${alertId}`,
  delivery: (alertId: string, channel: string): ItemKey => ({ pk: `DELIVERY#${alertId}`, sk: channel }),
  deadChannelPartition: 'CHANNEL',
  deadChannel: (channel: string): ItemKey => ({ pk: 'CHANNEL', sk: channel }),
};
