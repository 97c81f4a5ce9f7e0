// `octant agent files`: what an archived agent left in its retained/
// directory. The agent wrote every byte and every name there (retention
// moved them out of its scratch directory), so nothing in it is trusted:
// each lookup is one openat2(2) beneath a descriptor of retained/ with
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS (agent/tools/beneath.ts, the way the
// file tools do it): a symlink the agent left is reported, never followed,
// and nothing outside retained/ is reached. A regular file with more than
// one link is refused too: a hard link could name a file the agent did not
// write. Reads use the descriptor that was checked (fstat then read), names
// printed for the operator are escaped by the caller.

import { closeSync, constants, fstatSync, openSync, readSync, readdirSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { EXIT, OctantError } from '../lib/errors.ts';
import { O_PATH } from '../kernel/libc.ts';
import { openBeneath, tryOpenBeneath, withRoot } from '../agent/tools/beneath.ts';

const TOOL = 'agent files';
const DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FILE = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

export interface RetainedEntry {
  /** Path relative to retained/. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
}

function typeOf(stat: Stats): RetainedEntry['type'] {
  return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : stat.isSymbolicLink() ? 'symlink' : 'other';
}

/** Check a retain-relative path lexically: relative, no `.`/`..`/empty component, no NUL. */
export function checkRelative(path: string): string {
  const clean = path.replace(/\/+$/, '');
  if (clean === '' || clean === '.') return '';
  if (clean.startsWith('/') || clean.includes('\0') || clean.split('/').some((c) => c === '' || c === '.' || c === '..')) {
    throw new OctantError('E_AGENT_FILES_PATH', `${TOOL}: ${JSON.stringify(path)}: expected a path relative to the retained directory, without '.' or '..'`, { exit: EXIT.usage });
  }
  return clean;
}

function located(retained: string, rel: string) {
  return { path: rel === '' ? retained : join(retained, rel), root: retained, rel };
}

/** Every entry beneath `rel` (depth first, sorted), symlinks listed as links and not entered. */
export function listRetained(retained: string, rel = ''): RetainedEntry[] {
  const out: RetainedEntry[] = [];
  withRoot(TOOL, located(retained, ''), (rootFd) => {
    const walk = (dirRel: string, depth: number): void => {
      const fd = openBeneath(TOOL, rootFd, dirRel, DIR, dirRel || '.', undefined);
      let names: string[];
      try {
        // The directory is read through its descriptor (/proc/self/fd), not by name.
        names = readdirSync(`/proc/self/fd/${fd}`).sort();
      } finally {
        closeSync(fd);
      }
      for (const name of names) {
        const childRel = dirRel === '' ? name : `${dirRel}/${name}`;
        const child = tryOpenBeneath(rootFd, childRel, O_PATH | constants.O_NOFOLLOW);
        if (child < 0) continue; // vanished since the listing
        let stat: Stats;
        try {
          stat = fstatSync(child);
        } finally {
          closeSync(child);
        }
        const type = typeOf(stat);
        out.push({ path: childRel, type, size: type === 'file' ? stat.size : 0 });
        if (type === 'dir' && depth < 64) walk(childRel, depth + 1);
      }
    };
    walk(rel, 0);
  });
  return out;
}

/** The type of `rel` beneath retained/ (never following a link). */
export function retainedType(retained: string, rel: string): RetainedEntry['type'] {
  return withRoot(TOOL, located(retained, ''), (rootFd) => {
    const fd = openBeneath(TOOL, rootFd, rel, O_PATH | constants.O_NOFOLLOW, rel || '.', undefined);
    try {
      return typeOf(fstatSync(fd));
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * Stream the regular file `rel` to `write`, reading the descriptor that was
 * opened beneath retained/ and checked (a regular file, one link).
 */
export function readRetained(retained: string, rel: string, write: (chunk: Buffer) => void): number {
  return withRoot(TOOL, located(retained, ''), (rootFd) => {
    const fd = openBeneath(TOOL, rootFd, rel, FILE, rel, undefined);
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new OctantError('E_AGENT_FILES_TYPE', `${TOOL}: ${rel}: not a regular file (${typeOf(stat)})`, { exit: EXIT.denied });
      if (stat.nlink > 1) throw new OctantError('E_AGENT_FILES_LINKED', `${TOOL}: ${rel}: has ${stat.nlink} hard links; it may name a file the agent did not write`, { exit: EXIT.denied });
      const buffer = Buffer.alloc(64 * 1024);
      let total = 0;
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, null);
        if (n <= 0) break;
        total += n;
        write(buffer.subarray(0, n));
      }
      return total;
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * Copy `rel` (a file, or a directory's regular files) into `out`, creating
 * new files only (O_EXCL: an existing file in `out` is never overwritten,
 * and a link there is never followed). Links and special files the agent
 * left are skipped and returned.
 */
export function copyRetained(retained: string, rel: string, out: string, makeDir: (dir: string) => void): { copied: string[]; skipped: RetainedEntry[] } {
  const copied: string[] = [];
  const skipped: RetainedEntry[] = [];
  const type = retainedType(retained, rel);
  const entries: RetainedEntry[] = type === 'dir' ? listRetained(retained, rel) : [{ path: rel, type, size: 0 }];
  const base = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '';
  for (const entry of entries) {
    const target = join(out, entry.path.slice(base.length));
    if (entry.type === 'dir') {
      makeDir(target);
      continue;
    }
    if (entry.type !== 'file') {
      skipped.push(entry);
      continue;
    }
    makeDir(join(target, '..'));
    const fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      readRetained(retained, entry.path, (chunk) => {
        let done = 0;
        while (done < chunk.length) done += writeSync(fd, chunk, done);
      });
    } finally {
      closeSync(fd);
    }
    copied.push(target);
  }
  return { copied, skipped };
}
