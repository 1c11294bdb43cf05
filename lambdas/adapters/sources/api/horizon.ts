// How far back an API source reads on its first run: the posts the pipeline still counts
// (core/place.ts), and not one page further.

import { CATCH_UP_DAYS } from '../../../core/place.ts';
import { DAY_MS } from '../../../core/time.ts';

/** Epoch ms before which an item is history the pipeline would not count: a walk stops there. */
export const catchUpHorizonMs = (now: Date): number => now.getTime() - CATCH_UP_DAYS * DAY_MS;
