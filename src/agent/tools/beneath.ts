// Opening a path beneath a granted root without ever following a symlink.
// Every lookup is one openat2(2) relative to a descriptor of the root with
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS: the kernel
// refuses a symlink in any component (ELOOP), `..` or an absolute path
// leaving the root (EXDEV), and /proc magic links. The descriptor returned is
// the one the tool then reads, writes or fstats, so nothing is looked up
// twice by name (no check-then-open race). Callers run inside asUser(), so
// the kernel checks permissions against the agent's uid.

import { closeSync, constants, fstatSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { errnoText, mkdirat, O_CLOEXEC, O_PATH, openat2, RESOLVE } from '../../kernel/libc.ts';

const BENEATH = RESOLVE.BENEATH | RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS;
/** The errno values the file tools name (asm-generic, same on x86_64 and aarch64). */
export const ERRNO = { EPERM: 1, ENOENT: 2, ENXIO: 6, EACCES: 13, EEXIST: 17, EXDEV: 18, ENOTDIR: 20, EISDIR: 21, ELOOP: 40, ENOTEMPTY: 39 } as const;

/** Where a requested path lives: a granted root (host path) and the path below it ('' for the root itself). */
export interface Located {
  /** The path as the tool reports it (host path). */
  path: string;
  root: string;
  rel: string;
}

/** The error for a failed step on `path`: a stable code per cause, the path named. */
export function fsError(tool: string, path: string, errno: number, uid: number | undefined): OctantError {
  const as = uid === undefined ? '' : ` (acting as uid ${uid})`;
  const denied = (code: string, message: string, hint?: string) => new OctantError(code, `${tool}: ${path}: ${message}`, { exit: EXIT.denied, hint, detail: { path, errno } });
  switch (errno) {
    case ERRNO.ELOOP: return denied('E_FS_SYMLINK', 'a component is a symbolic link; file tools never follow links', 'name the real path, without links');
    case ERRNO.EXDEV: return denied('E_FS_ESCAPE', 'resolves outside its granted root');
    case ERRNO.EACCES:
    case ERRNO.EPERM: return denied('E_FS_PERMISSION', `permission denied${as}`);
    case ERRNO.ENOENT: return new OctantError('E_FS_NOT_FOUND', `${tool}: ${path}: no such file or directory`, { detail: { path, errno } });
    case ERRNO.EEXIST: return new OctantError('E_FS_EXISTS', `${tool}: ${path}: already exists`, { detail: { path, errno } });
    case ERRNO.ENOTDIR: return new OctantError('E_FS_NOT_DIR', `${tool}: ${path}: a component is not a directory`, { detail: { path, errno } });
    case ERRNO.EISDIR: return new OctantError('E_FS_NOT_FILE', `${tool}: ${path}: is a directory`, { detail: { path, errno } });
    case ERRNO.ENXIO: return new OctantError('E_FS_NOT_FILE', `${tool}: ${path}: not a regular file`, { detail: { path, errno } });
    case ERRNO.ENOTEMPTY: return new OctantError('E_FS_NOT_EMPTY', `${tool}: ${path}: directory not empty`, { detail: { path, errno } });
    default: return new OctantError('E_FS_IO', `${tool}: ${path}: ${errnoText(errno)}`, { detail: { path, errno } });
  }
}

/**
 * Run `use` with a descriptor of the granted root and the path below it.
 * The root comes from the signed manifest (or is the scratch directory), so
 * it is opened with octant's credentials (the agent need not traverse the
 * host's parent directories), but still never through a symlink. O_PATH: no
 * permission on the root is needed to hold it. A grant naming one file is
 * anchored at its directory, with the file's name as the only component.
 */
export function withRoot<T>(tool: string, located: Located, use: (rootFd: number, rel: string) => T): T {
  const ROOT = O_PATH | O_CLOEXEC | constants.O_DIRECTORY;
  const NO_LINKS = RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS;
  let rel = located.rel;
  let fd = openat2(undefined, located.root, ROOT, 0, NO_LINKS);
  if (fd === -ERRNO.ENOTDIR && rel === '') {
    fd = openat2(undefined, dirname(located.root), ROOT, 0, NO_LINKS);
    rel = basename(located.root);
  }
  if (fd < 0) throw fsError(tool, located.root, -fd, undefined);
  try {
    return use(fd, rel);
  } finally {
    closeSync(fd);
  }
}

/**
 * The cause to report for a failed open: O_DIRECTORY|O_NOFOLLOW on a final
 * symlink fails with ENOTDIR, which would read as "not a directory"; say
 * "symbolic link" when it is one. (Only the message depends on this look.)
 */
function cause(dirfd: number, rel: string, errno: number): number {
  if (errno !== ERRNO.ENOTDIR) return errno;
  const fd = tryOpenBeneath(dirfd, rel, O_PATH | constants.O_NOFOLLOW);
  if (fd < 0) return errno;
  try {
    return fstatSync(fd).isSymbolicLink() ? ERRNO.ELOOP : errno;
  } finally {
    closeSync(fd);
  }
}

/** openat2 beneath `dirfd`: the descriptor, or the error naming `path`. */
export function openBeneath(tool: string, dirfd: number, rel: string, flags: number, path: string, uid: number | undefined, mode = 0): number {
  const fd = tryOpenBeneath(dirfd, rel, flags, mode);
  if (fd < 0) throw fsError(tool, path, cause(dirfd, rel, -fd), uid);
  return fd;
}

/** Like openBeneath, -errno instead of throwing (for callers that handle a cause themselves). */
export function tryOpenBeneath(dirfd: number, rel: string, flags: number, mode = 0): number {
  return openat2(dirfd, rel === '' ? '.' : rel, flags | O_CLOEXEC, mode, BENEATH);
}

/**
 * Open (O_PATH) the directory `rel` below `rootFd`, creating each missing
 * component with mkdirat one level at a time (like mkdir -p, but each step
 * is relative to the descriptor of the level above and never follows a link).
 */
export function openDirCreating(tool: string, rootFd: number, rel: string, path: string, uid: number | undefined): number {
  const DIR = O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW;
  let fd = openBeneath(tool, rootFd, '', DIR, path, uid);
  for (const name of rel === '' ? [] : rel.split('/')) {
    try {
      let next = tryOpenBeneath(fd, name, DIR);
      if (next === -ERRNO.ENOENT) {
        const made = mkdirat(fd, name, 0o777);
        if (made < 0 && made !== -ERRNO.EEXIST) throw fsError(tool, path, -made, uid);
        next = tryOpenBeneath(fd, name, DIR);
      }
      if (next < 0) throw fsError(tool, path, cause(fd, name, -next), uid);
      closeSync(fd);
      fd = next;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }
  return fd;
}
