// Replacing a file so that a crash leaves either the old or the new content,
// never a mix or an empty file: the vault file and the router's state.

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { openPrivate } from './private-files.ts';
import { dirname, join } from 'node:path';

/** Write `data` to `file` so that a crash leaves the old or the new content (mode 0600). */
export function writeFileAtomic(file: string, data: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openPrivate(tmp, 'wx');
  try {
    writeSync(fd, data);
    fsyncSync(fd); // the bytes are on disk before the name points at them
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, file); // atomic replace (POSIX rename(2))
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd); // the rename itself is durable
  } finally {
    closeSync(dirFd);
  }
}
