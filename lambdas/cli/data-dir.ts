// The embedded store's folder, checked before the store starts: a path the user can fix is a usage
// error naming it and what to check, never "internal error: EROFS".

import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { UsageError } from '../core/errors.ts';

const HINTS: Record<string, string> = {
  ENOTDIR: 'it, or a folder above it, is a file: give a folder',
  EEXIST: 'it is a file: give a folder',
  EROFS: 'it is on a read-only file system: give a writable folder',
  EACCES: 'this user may not write there: check its permissions or give another folder',
  EPERM: 'this user may not write there: check its permissions or give another folder',
};

export async function prepareDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const hint = HINTS[(error as NodeJS.ErrnoException).code ?? ''];
    if (!hint) throw error;
    throw new UsageError(`--data-dir ${dir} cannot hold the store: ${hint}`, { cause: error });
  }
}
