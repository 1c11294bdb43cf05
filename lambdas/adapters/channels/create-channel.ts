// The configured `notify` channels as AlertChannels, over one fetcher that reports a 429 instead of
// sleeping through it: the pass defers that channel and goes on with the others.

import { channelName, type ChannelConfig, type ChatChannelConfig } from '../../config/notify-schema.ts';
import type { PollSettings } from '../../config/schema.ts';
import type { AlertMessageContext } from '../../core/alert-message.ts';
import type { AlertChannel } from '../../core/ports.ts';
import { createHttpFetcher } from '../http-fetcher.ts';
import type { SourceCredentials } from '../sources/api/credentials.ts';
import { createDiscordChannel } from './discord.ts';
import { createSlackChannel } from './slack.ts';
import { createTelegramChannel } from './telegram.ts';
import { createWebhookChannel } from './webhook.ts';

/** The chat and webhook channels; an `email` entry is the sink's routing (lambdas/core/deliver.ts), not a channel of its own. */
export function createChannels(notify: readonly ChannelConfig[], poll: PollSettings, credentials: SourceCredentials, message: AlertMessageContext): AlertChannel[] {
  const fetcher = createHttpFetcher({ ...poll, maxRetryWaitMs: 0 });
  return notify.filter((config): config is ChatChannelConfig => config.type !== 'email').map((config) => {
    const options = { name: channelName(config), secretEnv: config.secretEnv, topics: config.topics, kinds: config.kinds, credentials, fetcher, message };
    switch (config.type) {
      case 'discord':
        return createDiscordChannel(options);
      case 'slack':
        return createSlackChannel(options);
      case 'telegram':
        return createTelegramChannel({ ...options, chatId: config.chatId, baseUrl: config.baseUrl });
      case 'webhook':
        return createWebhookChannel({ ...options, url: config.url });
    }
  });
}
