// Which unprivileged host uid/gid each agent runs as (docs/isolation.md
// "The agent's uid"). Run by root, each running agent holds one uid of a
// configured range for as long as it lives, like subordinate ids
// (subuid(5)); every agent shares one configured group, so an operator opens
// a shared workspace to all agents once (chgrp GID DIR && chmod g+rwX DIR).
// Run by anyone else, agents run as that user: nothing else is possible
// without privileges.
//
// A uid is held by a lock file <locks>/<uid> created with O_EXCL and naming
// the holding process, so two octant processes on one machine (the daemon
// and a foreground `octant run`) never hand out the same uid. A lock whose
// process is gone is stale (its sandboxes died with it: --die-with-parent)
// and is taken over. "The same process" is pid + start time + boot id: a
// pid reused later, or octant as PID 1 again after a reboot, is not the
// holder. Uids are handed out round-robin from where the last
// one was taken, so a freed uid is not reused at once.

import { mkdirSync, openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OctantError, EXIT } from '../../lib/errors.ts';
import type { AgentUser } from '../../kernel/sandbox-policy.ts';

export interface UidRange {
  /** First uid of the range. */
  start: number;
  count: number;
  /** The agents' shared group. */
  gid: number;
}

export interface AgentUsersPort {
  /** The identity `aid` runs as, held until release(aid). */
  acquire(aid: string): AgentUser;
  release(aid: string): void;
}

/** Agents run as this process's own uid/gid (when it is not root). */
export function invokingUser(): AgentUsersPort {
  const user = { uid: process.geteuid?.() ?? -1, gid: process.getegid?.() ?? -1 };
  return { acquire: () => ({ ...user }), release: () => {} };
}

/** "<pid> <start time in clock ticks since boot> <boot id>", or undefined when the process does not exist. */
function processId(pid: number): string | undefined {
  try {
    // The comm field (2) may hold spaces: count fields after its closing ')'; starttime is field 22.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${pid} ${start} ${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}`;
  } catch {
    return undefined;
  }
}

/** Take `file` if nobody holds it, or if its holder is gone. */
function tryLock(file: string, owner: string, holderOf: (pid: number) => string | undefined): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, owner);
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let held: string;
    try {
      held = readFileSync(file, 'utf8');
    } catch {
      continue; // released meanwhile: try again
    }
    const pid = Number(held.split(' ')[0]);
    // Held while that very process runs; a malformed lock is left alone (fail closed: the uid stays unused).
    if (!Number.isInteger(pid) || pid <= 0) return false;
    const running = holderOf(pid);
    if (running !== undefined && held.startsWith(`${running} `)) return false;
    try {
      unlinkSync(file);
    } catch { /* another process took it over first; the O_EXCL create decides */ }
  }
  return false;
}

export function uidRangeUsers(range: UidRange, locks: string): AgentUsersPort {
  if (range.start <= 0 || range.count <= 0 || range.gid <= 0 || range.start + range.count > 0xfffffffe) {
    throw new OctantError('E_CONFIG_AGENT_UIDS', `agents uid range ${range.start}+${range.count} (gid ${range.gid}): ids must be above 0 and below 4294967294`, { exit: EXIT.usage });
  }
  mkdirSync(locks, { recursive: true, mode: 0o700 });
  const held = new Map<string, number>();
  const self = processId(process.pid);
  if (self === undefined) throw new OctantError('E_LIFECYCLE_NO_UID', 'cannot read /proc/self/stat to name the holder of agent uids', { exit: EXIT.unavailable });
  let next = 0;
  return {
    acquire(aid) {
      for (let i = 0; i < range.count; i++) {
        const uid = range.start + ((next + i) % range.count);
        if (tryLock(join(locks, String(uid)), `${self} ${aid}\n`, processId)) {
          next = (next + i + 1) % range.count;
          held.set(aid, uid);
          return { uid, gid: range.gid };
        }
      }
      throw new OctantError('E_LIFECYCLE_NO_UID', `${aid}: all ${range.count} agent uids from ${range.start} are in use`, {
        exit: EXIT.unavailable, hint: 'widen services.agents.uids.count in octant.yaml',
      });
    },
    release(aid) {
      const uid = held.get(aid);
      if (uid === undefined) return;
      held.delete(aid);
      try {
        unlinkSync(join(locks, String(uid)));
      } catch { /* already gone: nothing held */ }
    },
  };
}
