// The volume spike: all of a topic's posts (not only petition mentions) improbably many for this
// time of day, e.g. a news story or a trailer. Same detector, `alerts.volumeSpike` settings.

import type { AlertsConfig } from '../../config/alerts-schema.ts';
import { countSpikeRule, type CountColumn } from './count-spike.ts';
import type { AlertRule } from './rule.ts';

export const VOLUME_COLUMN: CountColumn = 'posts';

/** Null when `alerts.volumeSpike.enabled` is false. */
export const volumeSpikeRule = (alerts: AlertsConfig): AlertRule | null =>
  alerts.volumeSpike.enabled ? countSpikeRule('volume-spike', VOLUME_COLUMN, alerts.volumeSpike) : null;
