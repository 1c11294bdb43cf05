// PLACEHOLDER: replaced by the detector work (parameters and documented defaults).
import { z } from 'zod';
export const alertsSchema = z.strictObject({
  cooldownHours: z.number().min(0).default(6),
});
