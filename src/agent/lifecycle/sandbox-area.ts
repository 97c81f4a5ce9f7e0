// Where an agent's own directories live on the host, and who owns them
// (docs/isolation.md "The agent's uid"). bwrap runs as the agent's uid and
// resolves every bind source itself, so these directories must be
// reachable for every agent uid; the private state root (0700, often under
// a home directory) is not. So each agent gets
//   <sandboxDir>/                 root 0711: agents may pass, not list
//   <sandboxDir>/<aid>/           root 0711
//   <sandboxDir>/<aid>/scratch/   the agent's uid 0700 (seen inside as /scratch, read-write)
//   <sandboxDir>/<aid>/run/       root 0755 (seen inside as /run/octant, read-only):
//       token, run files          the agent's uid 0400
//       gateway.sock, egress.sock the agent's uid 0600 (connect needs write permission)
// Everything else of the agent (record, logs, transcript, retained files)
// stays in its private directory under the state root.

import { chmodSync, chownSync, lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OctantError } from '../../lib/errors.ts';
import type { AgentUser } from '../../kernel/sandbox-policy.ts';

export interface SandboxArea {
  dir: string;
  scratch: string;
  run: string;
}

export function sandboxArea(sandboxDir: string, aid: string): SandboxArea {
  const dir = join(sandboxDir, aid);
  return { dir, scratch: join(dir, 'scratch'), run: join(dir, 'run') };
}

/** A directory root owns with exactly `mode`, refusing a symlink or someone else's directory in its place. */
function rootDir(path: string, mode: number): void {
  mkdirSync(path, { recursive: true, mode });
  const stat = lstatSync(path);
  const own = process.geteuid?.();
  if (!stat.isDirectory() || (own !== undefined && stat.uid !== own)) {
    throw new OctantError('E_LIFECYCLE_SANDBOX_DIR', `${path}: not a directory owned by uid ${own}`, { hint: 'remove it, or set services.agents.sandboxDir elsewhere' });
  }
  if ((stat.mode & 0o7777) !== mode) chmodSync(path, mode);
}

/** The area itself: root's, 0711 (agents pass through, nobody lists). */
export function prepareSandboxDir(sandboxDir: string): void {
  rootDir(sandboxDir, 0o711);
}

/** Create the agent's area: scratch owned by the agent, run directory by the system. */
export function createSandboxArea(sandboxDir: string, aid: string, user: AgentUser): SandboxArea {
  const area = sandboxArea(sandboxDir, aid);
  prepareSandboxDir(sandboxDir);
  mkdirSync(area.dir, { mode: 0o711 });
  mkdirSync(area.scratch, { mode: 0o700 });
  chownSync(area.scratch, user.uid, user.gid);
  mkdirSync(area.run, { mode: 0o755 });
  return area;
}

/** Hand a file or socket the system created to the agent: only its uid may use it. */
export function giveToAgent(path: string, user: AgentUser, mode: number): void {
  chownSync(path, user.uid, user.gid);
  chmodSync(path, mode);
}

/** A small file in the run directory, readable by the agent only. */
export function writeAgentFile(path: string, text: string, user: AgentUser): void {
  writeFileSync(path, text, { mode: 0o400, flag: 'wx' });
  chownSync(path, user.uid, user.gid);
}

export function removeSandboxArea(sandboxDir: string, aid: string): void {
  rmSync(sandboxArea(sandboxDir, aid).dir, { recursive: true, force: true });
}
