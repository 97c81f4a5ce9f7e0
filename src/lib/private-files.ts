// Owner-only files and directories, whatever the umask and whatever was
// there before. A mode passed to open(2) or mkdir(2) is masked by the umask
// and ignored for a file or directory that already exists (a packaged
// /var/lib/octant may come 0755, a file written by an older release 0644),
// so the mode is also set explicitly after the call.

import { chmodSync, fchmodSync, lstatSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { OctantError } from './errors.ts';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Create `dir` (and missing parents) and make `dir` itself exactly 0700. Parents that exist keep their mode. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const info = lstatSync(dir);
  if (!info.isDirectory()) throw new OctantError('E_PRIVATE_DIR', `${dir}: not a directory`);
  if ((info.mode & 0o7777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** openSync(path, flags) with the file made exactly 0600 before anything is written to it. */
export function openPrivate(path: string, flags: string | number): number {
  const fd = openSync(path, flags, PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}
