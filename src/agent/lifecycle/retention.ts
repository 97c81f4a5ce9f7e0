// Artifact retention at the end of an agent's life (agent-lifecycle.md
// "End-of-Life Guarantees" step 5): the manifest names output paths,
// relative to the agent's scratch directory; those are moved to retained/
// and everything else in scratch/ is removed.
//
// The agent controlled scratch/, so nothing in it is trusted: a retained
// path must not pass through a symbolic link (else `out -> /etc` with
// `retain: [out/passwd]` would move a host file), and must stay inside.

import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, cpSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { OctantError, EXIT } from '../../lib/errors.ts';

/** Check manifest-declared retain paths; throws E_LIFECYCLE_RETAIN naming the bad one. */
export function checkRetainPaths(paths: readonly string[]): string[] {
  return paths.map((p, i) => {
    const clean = normalize(p);
    if (p === '' || isAbsolute(p) || clean === '.' || clean === '..' || clean.startsWith(`..${sep}`) || p.includes('\0')) {
      throw new OctantError('E_LIFECYCLE_RETAIN', `retain[${i}] '${p}': expected a relative path inside the agent's scratch directory`, { exit: EXIT.usage });
    }
    return clean;
  });
}

/** True when every component from `base` down to `base/rel` exists and none is a symlink. */
function plainPath(base: string, rel: string): boolean {
  let current = base;
  for (const part of rel.split(sep)) {
    current = join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      return false;
    }
    if (stat.isSymbolicLink()) return false;
  }
  return true;
}

/** Which retain paths exist and may be kept (no symlink on the way). */
export function retainable(scratch: string, retain: readonly string[]): string[] {
  return retain.filter((rel) => plainPath(scratch, rel));
}

/** Move the kept paths to `retainedDir`, then remove `scratch` entirely. */
export function applyRetention(scratch: string, retainedDir: string, keep: readonly string[]): void {
  for (const rel of keep) {
    // Re-checked here: the sandbox is gone, so nothing changes between check and move.
    if (!plainPath(scratch, rel)) continue;
    const to = join(retainedDir, rel);
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    // The sandbox area and the state root may be on different filesystems.
    try {
      renameSync(join(scratch, rel), to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      cpSync(join(scratch, rel), to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    }
  }
  if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
}
