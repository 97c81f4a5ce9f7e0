// Where this process can put its agents' cgroups, or why it cannot
// (docs/isolation.md "Running without root").
//
// - Root: the whole hierarchy (detect.ts), v1 or v2.
// - Anyone else, cgroup v2: only a subtree systemd delegated to the user
//   (user@UID.service has Delegate=yes: its directories and their
//   cgroup.procs / cgroup.subtree_control files are owned by the user;
//   systemd.resource-control(5) "Delegate="). The process must already live
//   inside it, because moving a process needs write access to cgroup.procs
//   of the common ancestor of where it is and where it goes
//   (cgroup-v2.rst "Delegation Containment"). The delegated root found is the
//   topmost directory up from our own cgroup whose cgroup.procs we own.
// - Anyone else, cgroup v1: no delegation exists; limits cannot be enforced.
//
// When limits cannot be enforced the answer says why and what to do; the
// launcher refuses the agent unless the operator accepted that (launch.ts).

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { messageOf } from '../../lib/errors.ts';
import { detectCgroups, type CgroupLayout } from './detect.ts';

export type CgroupPlacement =
  | { enforced: true; layout: CgroupLayout; /** Where it comes from, for status output. */ detail: string }
  | { enforced: false; reason: string; hint: string };

/** The controllers a delegated subtree must offer for our limits to hold. */
const NEEDED = ['memory', 'pids'];

/** What the kernel and the process look like (tests pass recorded or temporary ones). */
export interface PlacementFacts {
  euid: number;
  mountsText: string;
  /** /proc/self/cgroup */
  selfCgroupText: string;
  /** Our own pid, moved into a leaf when the delegated root is our own cgroup (see below). */
  pid: number;
}

function hostFacts(): PlacementFacts {
  return {
    euid: process.geteuid?.() ?? -1,
    mountsText: readFileSync('/proc/self/mounts', 'utf8'),
    selfCgroupText: readFileSync('/proc/self/cgroup', 'utf8'),
    pid: process.pid,
  };
}

function ownedBy(dir: string, uid: number): boolean {
  try {
    return statSync(join(dir, 'cgroup.procs')).uid === uid;
  } catch {
    return false;
  }
}

function words(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
}

const SCOPE_HINT = 'start octant inside a delegated unit: systemd-run --user --scope -p Delegate=yes octant up (cgroup v2 with systemd)';

/** The delegated v2 subtree this unprivileged process may use, or why there is none. */
export function delegatedV2(mount: string, facts: PlacementFacts): CgroupPlacement {
  // /proc/self/cgroup on v2: "0::/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope" (cgroups(7)).
  const line = facts.selfCgroupText.split('\n').find((l) => l.startsWith('0::'));
  if (line === undefined) return { enforced: false, reason: 'this process is in no cgroup v2 group (/proc/self/cgroup has no 0:: line)', hint: SCOPE_HINT };
  const own = join(mount, line.slice(3));
  if (!ownedBy(own, facts.euid)) {
    return { enforced: false, reason: `cgroup v2 group ${own} is not delegated to uid ${facts.euid} (its cgroup.procs belongs to someone else)`, hint: SCOPE_HINT };
  }
  let root = own;
  while (root !== mount && dirname(root) !== root && ownedBy(dirname(root), facts.euid)) root = dirname(root);
  const controllers = words(join(root, 'cgroup.controllers'));
  const lacking = NEEDED.filter((c) => !controllers.includes(c));
  if (lacking.length > 0) {
    return {
      enforced: false,
      reason: `the delegated cgroup ${root} offers no ${lacking.join(', ')} controller`,
      hint: 'delegate them: systemctl edit user@.service with [Service] Delegate=memory pids cpu io, then log in again',
    };
  }
  // A cgroup with processes of its own cannot enable controllers for its
  // children ("no internal processes", cgroup-v2.rst): when the delegated
  // root is the very group we run in (systemd-run --scope -p Delegate=yes),
  // move ourselves into a leaf first, as container runtimes do.
  if (words(join(root, 'cgroup.procs')).length > 0) {
    const leaf = join(root, 'octant-runtime');
    try {
      mkdirSync(leaf, { recursive: true });
      writeFileSync(join(leaf, 'cgroup.procs'), String(facts.pid));
    } catch (error) {
      return { enforced: false, reason: `cannot move octant into ${leaf} to free the delegated cgroup ${root}: ${messageOf(error)}`, hint: SCOPE_HINT };
    }
    if (words(join(root, 'cgroup.procs')).length > 0) {
      return { enforced: false, reason: `the delegated cgroup ${root} holds other processes, so it cannot hand controllers to agent groups`, hint: SCOPE_HINT };
    }
  }
  return { enforced: true, layout: { version: 2, root, controllers }, detail: `cgroup v2, delegated subtree ${root}` };
}

/** Decides once what this process can do (reads /proc; moves itself only in the Delegate=yes scope case above). */
export function cgroupPlacement(facts: PlacementFacts = hostFacts()): CgroupPlacement {
  const v2Mount = facts.mountsText.split('\n').map((l) => l.split(' ')).find((f) => f[2] === 'cgroup2')?.[1];
  if (facts.euid === 0) {
    const layout = detectCgroups(facts.mountsText);
    return { enforced: true, layout, detail: layout.version === 2 ? `cgroup v2 at ${layout.root}` : 'cgroup v1' };
  }
  let layout: CgroupLayout | undefined;
  try {
    layout = detectCgroups(facts.mountsText);
  } catch (error) {
    return { enforced: false, reason: messageOf(error), hint: 'mount cgroup2 with the memory and pids controllers' };
  }
  if (layout.version === 1 || v2Mount === undefined) {
    return {
      enforced: false,
      reason: 'this machine uses cgroup v1, where only root can create cgroups, so memory, pids and cpu limits cannot be enforced without root',
      hint: 'run as root, or boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1) where systemd delegates a subtree to each user',
    };
  }
  return delegatedV2(layout.root, facts);
}

let memo: CgroupPlacement | undefined;

/** cgroupPlacement() of this process, decided on first use. */
export function hostCgroupPlacement(): CgroupPlacement {
  memo ??= cgroupPlacement();
  return memo;
}
