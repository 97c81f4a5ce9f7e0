// The file operations behind the fs.* tools, each done on the descriptor
// that was opened beneath the granted root (beneath.ts) with the agent's
// credentials (host-user.ts). Synchronous on purpose: the credential switch
// is per thread, and nothing else may run on the main thread while it holds.

import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, readdirSync, readSync, writeSync, type Stats } from 'node:fs';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { AT_REMOVEDIR, O_PATH, unlinkat } from '../../kernel/libc.ts';
import { ERRNO, fsError, openBeneath, openDirCreating, tryOpenBeneath, withRoot, type Located } from './beneath.ts';
import { asUser, type HostUser } from './host-user.ts';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = constants;
// O_NONBLOCK: opening a FIFO (or a device) must not hang the main thread;
// it fails (ENXIO) or is refused by the regular-file check after fstat.
const OPEN_READ = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

/** The agent's side of an operation: its host credentials. */
export interface Actor {
  user?: HostUser;
}

/** Open the root, switch to the agent's credentials, run `op` beneath it. */
function beneath<T>(tool: string, actor: Actor, located: Located, op: (rootFd: number, rel: string, uid: number | undefined) => T): T {
  return withRoot(tool, located, (rootFd, rel) => asUser(actor.user, () => op(rootFd, rel, actor.user?.uid)));
}

function withFd<T>(fd: number, use: (fd: number) => T): T {
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

function typeOf(stats: Stats): 'file' | 'dir' | 'link' | 'other' {
  return stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'link' : 'other';
}

function requireFile(tool: string, path: string, stats: Stats): void {
  if (!stats.isFile()) throw new OctantError('E_FS_NOT_FILE', `${tool}: ${path}: is a ${typeOf(stats) === 'dir' ? 'directory' : 'special file'}, not a regular file`, { detail: { path } });
}

/** Split `a/b/c` into its directory `a/b` and last name `c`. */
function split(rel: string): [string, string] {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? ['', rel] : [rel.slice(0, slash), rel.slice(slash + 1)];
}

/** Read a regular file, at most `max` bytes. */
export function readFile(tool: string, actor: Actor, located: Located, max: number): { text: string; truncated: boolean; size: number } {
  return beneath(tool, actor, located, (rootFd, rel, uid) => withFd(openBeneath(tool, rootFd, rel, OPEN_READ, located.path, uid), (fd) => {
    const stats = fstatSync(fd);
    requireFile(tool, located.path, stats);
    const buffer = Buffer.alloc(Math.min(stats.size, max));
    let n = 0;
    while (n < buffer.length) {
      const got = readSync(fd, buffer, n, buffer.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return { text: buffer.subarray(0, n).toString('utf8'), truncated: stats.size > max, size: stats.size };
  }));
}

/**
 * Create or overwrite (or append to) a regular file, creating missing parent
 * directories. A new file is created with O_CREAT|O_EXCL|O_NOFOLLOW, so a
 * name that exists as anything (a dangling link included) is never created
 * through; an existing one is opened with O_NOFOLLOW and must be a regular
 * file before it is truncated.
 */
export function writeFile(tool: string, actor: Actor, located: Located, content: string, append: boolean): void {
  beneath(tool, actor, located, (rootFd, rel, uid) => {
    if (rel === '') throw new OctantError('E_FS_NOT_FILE', `${tool}: ${located.path}: is a granted directory, not a file`, { detail: { path: located.path } });
    const [dir, name] = split(rel);
    withFd(openDirCreating(tool, rootFd, dir, located.path, uid), (dirFd) => {
      const mode = O_WRONLY | O_NOFOLLOW | (append ? O_APPEND : 0);
      let fd = tryOpenBeneath(dirFd, name, mode | O_CREAT | O_EXCL, 0o666);
      if (fd === -ERRNO.EEXIST) fd = tryOpenBeneath(dirFd, name, mode | O_NONBLOCK | O_NOCTTY);
      if (fd < 0) throw fsError(tool, located.path, -fd, uid);
      withFd(fd, () => {
        requireFile(tool, located.path, fstatSync(fd));
        if (!append) ftruncateSync(fd, 0);
        const bytes = Buffer.from(content, 'utf8');
        for (let n = 0; n < bytes.length;) n += writeSync(fd, bytes, n, bytes.length - n);
      });
    });
  });
}

export interface ListEntry {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
  size?: number;
}

/** List a directory (names sorted, at most `max`). */
export function listDir(tool: string, actor: Actor, located: Located, max: number): { entries: ListEntry[]; truncated: boolean } {
  return beneath(tool, actor, located, (rootFd, rel, uid) => withFd(openBeneath(tool, rootFd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK, located.path, uid), (fd) => {
    // Node reads directories only by path: /proc/self/fd/N is the directory
    // this descriptor holds (the magic link is octant's own, not the agent's),
    // and lstat of one name in it never follows a link.
    const dir = `/proc/self/fd/${fd}`;
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    return {
      entries: entries.slice(0, max).map((e) => ({ name: e.name, type: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : e.isSymbolicLink() ? 'link' : 'other', size: e.isFile() ? lstatSync(`${dir}/${e.name}`).size : undefined })),
      truncated: entries.length > max,
    };
  }));
}

/** fstat of the entry itself: a final symlink is reported as a link, never followed. */
export function statEntry(tool: string, actor: Actor, located: Located): { type: ListEntry['type']; size: number; mode: string; uid: number; gid: number; modified: string } {
  return beneath(tool, actor, located, (rootFd, rel, uid) => withFd(openBeneath(tool, rootFd, rel, O_PATH | O_NOFOLLOW, located.path, uid), (fd) => {
    const stats = fstatSync(fd);
    return { type: typeOf(stats), size: stats.size, mode: (stats.mode & 0o7777).toString(8).padStart(4, '0'), uid: stats.uid, gid: stats.gid, modified: stats.mtime.toISOString() };
  }));
}

/** Remove a file, a link (not its target) or an empty directory, by name relative to its directory's descriptor. */
export function deleteEntry(tool: string, actor: Actor, located: Located): { type: ListEntry['type'] } {
  return beneath(tool, actor, located, (rootFd, rel, uid) => {
    if (rel === '') throw new OctantError('E_TOOL_DENIED', `${tool}: ${located.path}: a granted root cannot be deleted`, { exit: EXIT.denied });
    const [dir, name] = split(rel);
    return withFd(openBeneath(tool, rootFd, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW, located.path, uid), (dirFd) => {
      const type = withFd(openBeneath(tool, dirFd, name, O_PATH | O_NOFOLLOW, located.path, uid), (fd) => typeOf(fstatSync(fd)));
      // The type only picks the flag: unlinkat removes a name in this
      // directory, as the agent; if the entry is swapped in between it fails
      // (EISDIR / ENOTDIR) or removes the other entry of the same name, never
      // anything outside the directory, and never a link's target.
      const done = unlinkat(dirFd, name, type === 'dir' ? AT_REMOVEDIR : 0);
      if (done < 0) throw fsError(tool, located.path, -done, uid);
      return { type };
    });
  });
}
