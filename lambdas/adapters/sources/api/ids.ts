// Ids that grow with time, compared without parsing them as numbers: Mastodon's decimal snowflakes
// (past 2^53), Reddit's base-36 fullnames (t3_abc), Pleroma's fixed-length sortable strings. Longer
// is later; the same length sorts as text. A `kind_` prefix (Reddit's t1_/t3_) is not compared.

const body = (id: string): string => {
  const underscore = id.indexOf('_');
  return underscore < 0 ? id : id.slice(underscore + 1);
};

export function compareIds(a: string, b: string): number {
  const x = body(a);
  const y = body(b);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

export const laterId = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : compareIds(b, a) > 0 ? b : a;

export const earlierId = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : compareIds(b, a) < 0 ? b : a;
