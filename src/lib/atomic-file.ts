// Replacing a file so that a crash (power loss, kill -9) leaves either the old
// or the new content, never a mix, an empty file or a file with a wider mode:
// the one writer for every file the system replaces (vault, machine key, trust
// store, agent records, approvals, router config and state, ledger checkpoints,
// snapshot and witness, quorum decisions, the exec guard helper, the
// installed executable). writeFileAtomicAsync takes the same steps off the
// event loop.
//
// The steps, each one needed (see ext4's data=ordered caveats and
// "Files are hard", Pillai et al., OSDI 2014):
//   1. create a temp file in the same directory with O_CREAT|O_EXCL and the
//      final mode, so the bytes are never readable with a wider mode (the
//      umask can only take bits away; fchmod on the still-empty file restores
//      the exact mode before any byte is written);
//   2. write and fsync the file: its bytes are on disk before a name points at them;
//   3. rename(2) over the target: atomic replace (POSIX); or link(2) when the
//      file must not exist yet (EEXIST leaves the existing file untouched);
//   4. fsync the directory: the rename itself is durable.

import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The file's exact mode, from creation on. Default 0600 (owner-only). */
  mode?: number;
  /** Never replace: fail with EEXIST when `file` exists (link(2) instead of rename(2)), e.g. a new private key. */
  exclusive?: boolean;
}

const COPY_CHUNK = 1 << 20;

/** Write `data` to `file` so that a crash leaves the old or the new content (mode 0600 unless told). */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  replaceAtomic(file, options, (fd) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  });
}

/** Copy the file at `source` onto `file` the same way (e.g. installing an executable, mode 0755). */
export function copyFileAtomic(source: string, file: string, options: AtomicWriteOptions = {}): void {
  const from = openSync(source, 'r');
  try {
    replaceAtomic(file, options, (fd) => {
      const chunk = Buffer.allocUnsafe(COPY_CHUNK);
      for (let n = readSync(from, chunk); n > 0; n = readSync(from, chunk)) {
        let off = 0;
        while (off < n) off += writeSync(fd, chunk, off, n - off);
      }
    });
  } finally {
    closeSync(from);
  }
}

/**
 * writeFileAtomic off the event loop (the same steps through fs/promises):
 * for a service writing while it serves, where the fsyncs must not stall
 * other requests.
 */
export async function writeFileAtomicAsync(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = tempName(dir);
  const handle = await open(tmp, 'wx', mode);
  try {
    if (((await handle.stat()).mode & 0o7777) !== mode) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await (options.exclusive === true ? link(tmp, file) : rename(tmp, file));
  } finally {
    await rm(tmp, { force: true });
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** Hidden and random: never mistaken for a record by a directory listing, never shared by two writers. */
function tempName(dir: string): string {
  return join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
}

function replaceAtomic(file: string, options: AtomicWriteOptions, fill: (fd: number) => void): void {
  const mode = options.mode ?? 0o600;
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = tempName(dir);
  const fd = openSync(tmp, 'wx', mode);
  try {
    // The umask may have taken bits away; set the exact mode while the file is still empty.
    if ((fstatSync(fd).mode & 0o7777) !== mode) fchmodSync(fd, mode);
    fill(fd);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    if (options.exclusive === true) linkSync(tmp, file); // EEXIST when there is one: nothing replaced
    else renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true }); // gone after a rename; the second name after a link
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
