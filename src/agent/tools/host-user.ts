// The credentials the file tools act with on the host. An agent never acts
// as host root: around each operation the main thread's filesystem
// credentials (fsuid, fsgid, supplementary groups) are switched to the
// agent's uid/gid and switched back in a finally. When root's fsuid becomes
// non-zero the kernel drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
// and the other filesystem capabilities for this thread (capabilities(7),
// "Effect of user ID changes on capabilities"), so the kernel's own
// permission checks apply to the agent's uid, and files it creates are its.
//
// Only the calling thread changes: libuv's pool threads (async fs of the
// services) keep octant's credentials, and nothing else can run on the main
// thread in between because the operation is synchronous.

import { EXIT, OctantError } from '../../lib/errors.ts';
import { setThreadFsCredentials } from '../../kernel/libc.ts';

/** A host uid/gid (SandboxPolicy.user). */
export interface HostUser {
  uid: number;
  gid: number;
}

function credentialsError(message: string): OctantError {
  return new OctantError('E_FS_CREDENTIALS', message, { exit: EXIT.denied, hint: 'the file tools fail closed when they cannot act as the agent\'s uid' });
}

/**
 * Run `operation` (synchronous) with `user`'s filesystem credentials.
 * - octant is root: switch to the user (never uid 0), fail closed if the
 *   kernel does not take it, switch back after.
 * - octant is not root: it can only act as itself, so `user` must be itself.
 * - `user` undefined: the agent has no host uid of its own yet (a policy
 *   compiled without one): act as octant, still confined beneath the grant.
 */
export function asUser<T>(user: HostUser | undefined, operation: () => T): T {
  if (user === undefined) return operation();
  for (const [name, id] of [['uid', user.uid], ['gid', user.gid]] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= 0xffffffff) throw credentialsError(`agent ${name} ${id} is not a valid host id`);
  }
  const euid = process.geteuid!();
  const egid = process.getegid!();
  if (euid !== 0) {
    if (user.uid === euid && user.gid === egid) return operation();
    throw credentialsError(`cannot act as uid ${user.uid}/gid ${user.gid}: octant runs unprivileged as uid ${euid}/gid ${egid}`);
  }
  if (user.uid === 0) throw credentialsError('an agent never acts as host root (its policy names uid 0)');
  const groups = process.getgroups!();
  if (!setThreadFsCredentials(user.uid, user.gid, [])) {
    restore(euid, egid, groups);
    throw credentialsError(`could not switch the filesystem credentials to uid ${user.uid}/gid ${user.gid}`);
  }
  try {
    return operation();
  } finally {
    restore(euid, egid, groups);
  }
}

function restore(uid: number, gid: number, groups: number[]): void {
  // Cannot happen while octant keeps CAP_SETUID/CAP_SETGID; if it did, the
  // main thread would go on with an agent's credentials, so stop here.
  if (!setThreadFsCredentials(uid, gid, groups)) {
    process.stderr.write(`octant: could not restore the main thread's filesystem credentials (uid ${uid}); exiting\n`);
    process.abort();
  }
}
