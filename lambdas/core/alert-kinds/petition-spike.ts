// The petition spike: petition mentions improbably high for this time of day. Its settings are the
// top level of `alerts`, as they were before there were other kinds.

import type { AlertsConfig } from '../../config/alerts-schema.ts';
import { countSpikeRule, type CountColumn } from './count-spike.ts';
import type { AlertRule } from './rule.ts';

export const PETITION_COLUMN: CountColumn = 'petitionMentions';

export const petitionSpikeRule = (alerts: AlertsConfig): AlertRule => countSpikeRule('petition-spike', PETITION_COLUMN, alerts);
