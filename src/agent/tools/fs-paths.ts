// Path checks for the filesystem tools. The manifest grants canonical
// absolute paths; a requested path is resolved on the host the way the
// kernel would resolve it (symlinks followed through realpath of the longest
// existing prefix), and only the resolved path is checked, so a symlink inside
// a granted directory pointing outside it does not widen the grant.

import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathProblem, pathWithin } from '../manifest/path-set.ts';
import { argsError, deniedError } from './tool-errors.ts';
import type { AgentSession } from './tool.ts';

/** Resolve symlinks in the longest existing prefix of `path`. */
export function resolveOnHost(path: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = realpathSync(current);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || current === '/') throw error;
      missing.push(basename(current));
      current = dirname(current);
    }
  }
}

/**
 * The resolved host path if `requested` is canonical and lies within one of
 * `granted` (or the agent's scratch directory, which it always owns); else a
 * denial. Scratch paths are given as the agent sees them (/scratch/...).
 */
export function grantedPath(tool: string, requested: string, granted: readonly string[], what: 'read' | 'write', session?: AgentSession): string {
  const problem = pathProblem(requested);
  if (problem !== undefined) throw argsError(tool, 'path', `${JSON.stringify(requested)} ${problem}`);
  const scratch = session?.scratch;
  if (scratch !== undefined && pathWithin(requested, scratch.inside)) {
    const onHost = scratch.host + requested.slice(scratch.inside.length);
    const resolvedScratch = resolveOnHost(onHost);
    if (!pathWithin(resolvedScratch, resolveOnHost(scratch.host))) throw deniedError(tool, `${requested} resolves outside the scratch directory`);
    return resolvedScratch;
  }
  const resolved = resolveOnHost(requested);
  if (!granted.some((g) => pathWithin(resolved, g))) {
    throw deniedError(tool, `${requested}${resolved !== requested ? ` (resolves to ${resolved})` : ''} is not within the manifest's filesystem.${what} paths`, granted.length > 0 ? `granted: ${granted.join(', ')}` : `this agent has no ${what} paths`);
  }
  return resolved;
}

/**
 * Just before acting: the checked target must still resolve to itself. A
 * symlink swapped in after the check (by a process in the sandbox that can
 * write there) is refused rather than followed.
 */
export function stillResolves(tool: string, target: string): string {
  const now = resolveOnHost(target);
  if (now !== target) throw deniedError(tool, `${target} changed after it was checked (now resolves to ${now})`);
  return target;
}
