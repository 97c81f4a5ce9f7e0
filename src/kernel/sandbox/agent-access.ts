// Launch-time checks that tie a sandbox to its unprivileged host identity
// (docs/isolation.md "The agent's uid"):
//   - the uid/gid itself: never 0, and one this process can switch to
//   - every bind is reachable for that uid with the access it grants, so a
//     grant the operator has not opened to the agents fails here, naming
//     the path and how to open it, instead of as a bwrap message or an
//     EACCES deep inside the agent
//   - no bind ever hands out a kernel interface: no procfs at all, and
//     sysfs, cgroupfs and their kin only read-only (their files are the
//     host kernel's own knobs)

import { readFileSync, realpathSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { OctantError, EXIT } from '../../lib/errors.ts';
import { accessAs } from '../libc.ts';
import type { AgentUser, BindMount } from '../sandbox-policy.ts';

const R_OK = 4;
const W_OK = 2;
const X_OK = 1;

/** statfs f_type of the pseudo filesystems (<linux/magic.h>). */
const KERNEL_FS: Record<number, string> = {
  0x9fa0: 'proc', 0x62656572: 'sysfs', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2', 0x73636673: 'securityfs',
  0x64626720: 'debugfs', 0x74726163: 'tracefs', 0xcafe4a11: 'bpf', 0x62656570: 'configfs', 0x6e736673: 'nsfs',
};
const KERNEL_FS_NAMES = new Set(Object.values(KERNEL_FS));

/** Whether this process switches to the agent's uid (root) or runs it as itself. */
export function switchesUser(): boolean {
  return process.geteuid?.() === 0;
}

export function checkUser(user: AgentUser | undefined): void {
  const valid = (id: unknown): id is number => Number.isInteger(id) && (id as number) > 0 && (id as number) < 0xffffffff;
  if (user === undefined || !valid(user.uid) || !valid(user.gid)) {
    throw new OctantError('E_SANDBOX_USER', `policy.user must be a non-root uid and gid (got ${JSON.stringify(user)}): an agent never runs as host root`, { exit: EXIT.denied });
  }
  if (!switchesUser() && (user.uid !== process.geteuid?.() || user.gid !== process.getegid?.())) {
    throw new OctantError('E_SANDBOX_USER', `policy.user ${user.uid}:${user.gid}: not running as root, so agents can only run as this process's own uid ${process.geteuid?.()}:${process.getegid?.()}`, { exit: EXIT.denied });
  }
}

/** The first directory above `path` the user cannot search, if any. */
function blockingParent(path: string, user: AgentUser): string | undefined {
  const chain: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dir === '/') break;
  }
  return chain.find((dir) => accessAs(dir, X_OK, user.uid, user.gid) !== 0);
}

/** The agent's uid must reach the source with the access the bind grants (read; write too for rw). */
export function checkBindAccess(bind: BindMount, user: AgentUser, field: string, isDirectory: boolean): void {
  const mode = R_OK | (bind.mode === 'rw' ? W_OK : 0) | (isDirectory ? X_OK : 0);
  const errno = -accessAs(bind.source, mode, user.uid, user.gid);
  if (errno === 0) return;
  const parent = blockingParent(bind.source, user);
  const want = bind.mode === 'rw' ? 'read and write' : 'read';
  const why = parent !== undefined ? `cannot enter ${parent}` : `may not ${want} it`;
  const hint = parent !== undefined
    ? `let the agents through: chmod o+x ${parent} (or chgrp ${user.gid} and chmod g+x)`
    : bind.mode === 'rw'
      ? `open it to the agents group: chgrp -R ${user.gid} ${bind.source} && chmod -R g+rwX ${bind.source} (or setfacl -R -m g:${user.gid}:rwX ${bind.source})`
      : `make it readable: chmod o+r${isDirectory ? 'X' : ''} ${bind.source} (or chgrp ${user.gid} / setfacl -m g:${user.gid}:r${isDirectory ? 'X' : ''})`;
  throw new OctantError('E_SANDBOX_GRANT_ACCESS', `${field}: ${bind.source} is granted ${bind.mode}, but the agent's uid ${user.uid} (gid ${user.gid}) ${why}`, {
    exit: EXIT.denied, hint, detail: { path: bind.source, uid: user.uid, gid: user.gid, errno },
  });
}

/** Mount points at or below `dir` (from /proc/self/mountinfo) with a kernel filesystem type. */
function kernelMountsBelow(dir: string): string[] {
  const found: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    // fields: id parent major:minor root mountpoint options [optional...] - fstype source superopts
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0) continue;
    const point = fields[4].replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
    if ((point === dir || point.startsWith(dir === '/' ? '/' : `${dir}/`)) && KERNEL_FS_NAMES.has(fields[dash + 1])) found.push(point);
  }
  return found;
}

/**
 * No procfs bind (the sandbox has its own, with its kernel interfaces
 * closed); sysfs, cgroupfs and the like only read-only, and no writable bind
 * may carry one below it (bwrap binds recursively).
 */
export function checkKernelInterfaces(bind: BindMount, field: string): void {
  const refuse = (what: string): never => {
    throw new OctantError('E_SANDBOX_KERNEL_FS', `${field}: ${bind.source} ${what}`, {
      exit: EXIT.denied, hint: 'the sandbox has its own /proc; /sys and cgroupfs may only be granted read-only', detail: { path: bind.source },
    });
  };
  if (bind.target === '/proc' || bind.target.startsWith('/proc/')) refuse(`would be mounted over the sandbox's /proc (${bind.target})`);
  if (bind.mode === 'rw' && (bind.target === '/sys' || bind.target.startsWith('/sys/'))) refuse(`would make ${bind.target} writable`);
  const type = KERNEL_FS[statfsSync(bind.source).type];
  if (type === 'proc') refuse('is on procfs (the host\'s processes and kernel settings)');
  if (bind.mode !== 'rw') return;
  if (type !== undefined) refuse(`is on ${type}, a kernel interface, and cannot be granted writable`);
  const below = kernelMountsBelow(realpathSync(bind.source));
  if (below.length > 0) refuse(`holds kernel interface mounts (${below.join(', ')}) and cannot be granted writable`);
}
