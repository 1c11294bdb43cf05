// Reading an API's JSON answer into the raw per-API shape an adapter normalises (STYLE.md practice 1):
// fields are read defensively (an API adds, drops and nulls fields between versions), and an answer
// without the part an adapter needs is a named failure, not a crash. Also: cursors that may not parse,
// and API timestamps that may lack a zone.

import { FetchError } from '../../../core/errors.ts';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The answer parsed as JSON but is not what the endpoint returns (an error page, another API, a changed API). */
export function unexpectedAnswer(url: string, what: string): FetchError {
  return new FetchError('not-a-feed', `unexpected answer from ${url}: ${what}`, { url });
}

/** The objects in the array at `key` of `data`; a failure naming the field when there is no such array. */
export function objectsAt(data: unknown, key: string, url: string): JsonObject[] {
  const list = isObject(data) ? data[key] : undefined;
  if (!Array.isArray(list)) throw unexpectedAnswer(url, `no "${key}" list`);
  return list.filter(isObject);
}

export function text(object: JsonObject, key: string): string | null {
  const value = object[key];
  return typeof value === 'string' ? value : null;
}

/** A whole number (ids, counts, epoch seconds); null for anything else. */
export function whole(object: JsonObject, key: string): number | null {
  const value = object[key];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

export const isTrue = (object: JsonObject, key: string): boolean => object[key] === true;

export function child(object: JsonObject, key: string): JsonObject | null {
  const value = object[key];
  return isObject(value) ? value : null;
}

/**
 * An API timestamp as epoch milliseconds. ISO-8601 with or without a zone: a time without one is UTC
 * (Lemmy before 0.19 writes `2023-06-20T12:34:56.123456`), never the machine's local time.
 */
export function apiTimeMs(raw: string | null): number | null {
  const value = raw?.trim();
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * A stored cursor read back with `read`, which returns null for anything it does not recognise. A
 * cursor that is missing, not JSON or not ours (another version, another config) is a first run.
 */
export function readCursor<T>(raw: string | null, read: (value: JsonObject) => T | null): T | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  return isObject(value) ? read(value) : null;
}

export const isWholeArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isSafeInteger(item));

export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');
