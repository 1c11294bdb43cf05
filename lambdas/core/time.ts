// UTC hour and day arithmetic on epoch milliseconds and ISO strings.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const hourStart = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
export const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
export const iso = (ms: number) => new Date(ms).toISOString();
