// Which granted root a requested path falls under. The check is lexical:
// requested paths must be canonical (absolute, no `.`/`..`, no `//`), and the
// tools never follow a symlink below the root (beneath.ts), so the path that
// is checked and recorded here is exactly the one acted on, or the action
// fails. (Before, paths were resolved through realpath and then opened again
// by name: a dangling link or a swapped one redirected the action.)

import { pathProblem, pathWithin } from '../manifest/path-set.ts';
import { argsError, deniedError } from './tool-errors.ts';
import type { Located } from './beneath.ts';
import type { AgentSession } from './tool.ts';

function below(path: string, root: string): string {
  if (path === root) return '';
  return path.slice(root === '/' ? 1 : root.length + 1);
}

/**
 * The granted root (the deepest one) holding `requested`, or a denial.
 * Scratch paths are given as the agent sees them (/scratch/...) and reported
 * as host paths.
 */
export function locate(tool: string, requested: string, granted: readonly string[], what: 'read' | 'write', session?: AgentSession): Located {
  const problem = pathProblem(requested);
  if (problem !== undefined) throw argsError(tool, 'path', `${JSON.stringify(requested)} ${problem}`);
  const scratch = session?.scratch;
  if (scratch !== undefined && pathWithin(requested, scratch.inside)) {
    const rel = below(requested, scratch.inside);
    return { path: rel === '' ? scratch.host : `${scratch.host}/${rel}`, root: scratch.host, rel };
  }
  const roots = granted.filter((g) => pathWithin(requested, g)).sort((a, b) => b.length - a.length);
  if (roots.length === 0) {
    throw deniedError(tool, `${requested} is not within the manifest's filesystem.${what} paths`, granted.length > 0 ? `granted: ${granted.join(', ')}` : `this agent has no ${what} paths`);
  }
  return { path: requested, root: roots[0], rel: below(requested, roots[0]) };
}

/** The paths an agent may read: its read and its write grants. */
export function readable(session: AgentSession): string[] {
  return [...session.manifest.filesystem.read, ...session.manifest.filesystem.write];
}
