// The stand-in for an agent's cgroup where none can be created (an ordinary
// user on cgroup v1, or v2 without a delegated subtree) and the operator
// accepted unenforced limits (placement.ts, launch.ts). It enforces no limit
// and cannot freeze; it still ends the whole sandbox: bwrap's outer process
// is the only host-visible parent of the sandbox, its child is PID 1 of the
// sandbox's pid namespace (--unshare-pid) and dies with it (--die-with-parent,
// PR_SET_PDEATHSIG), and when PID 1 of a pid namespace dies the kernel kills
// every other process in it (pid_namespaces(7)).

import { setTimeout as sleep } from 'node:timers/promises';
import { OctantError, EXIT } from '../../lib/errors.ts';
import type { AgentCgroup } from './index.ts';
import { checkName, PARENT } from './cgroup-files.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface UnenforcedCgroup extends AgentCgroup {
  /** The leader was reaped: its pid may be reused, so it is never signalled again. */
  reaped(): void;
}

export function unenforcedCgroup(name: string, reason: string): UnenforcedCgroup {
  checkName(name);
  let leader: number | undefined;
  let gone = false;
  const noFreezer = (): Promise<void> => Promise.reject(new OctantError('E_SANDBOX_NO_FREEZER', `${name}: cannot suspend or resume: the agent runs without a cgroup (${reason})`, {
    exit: EXIT.unavailable, hint: 'stop it instead (octant agent stop), or run octant where its cgroups can be created (docs/troubleshooting.md)',
  }));
  return {
    name: `${PARENT}/${name}`,
    version: 1,
    procsFiles: [],
    pids: () => (leader !== undefined && !gone ? [leader] : []),
    join(pid) {
      leader = pid;
    },
    freeze: noFreezer,
    thaw: noFreezer,
    async kill() {
      if (leader === undefined || gone) return;
      try {
        process.kill(leader, 'SIGKILL');
      } catch { /* already gone */ }
      // Node reaps it (the launcher's exit handler then calls reaped()).
      for (let delay = 1; !gone && alive(leader); delay = Math.min(delay * 2, 50)) await sleep(delay);
    },
    remove() {},
    reaped() {
      gone = true;
    },
  };
}
