// Fast joins: the cgroup `favordynmods` option (Documentation/admin-guide/
// cgroup-v2.rst, "Mounting"; Linux 6.0+).
//
// Without it, every write to a cgroup.procs file takes the kernel's global
// cgroup_threadgroup_rwsem for writing, and a percpu rwsem writer first waits
// for an RCU grace period (kernel/locking/percpu-rwsem.c, rcu_sync_enter):
// measured 11-12 ms p50 per launch on a loaded 2-core machine, as much as
// bwrap itself. With it, the rwsem stays in its slow-reader mode (forks and
// exits pay an atomic operation instead of a per-CPU one) and, since Linux
// 6.18, cgroup.procs writes lock only the moving thread group. Nothing about
// what a cgroup limits changes: it is a locking strategy.
//
// The switch is global to the kernel whichever hierarchy carries it, and v1
// hierarchies cannot change it on remount (cgroup1_reconfigure refuses new
// flags), so it is set on a cgroup2 mount: the unified root on a v2 machine,
// or a hybrid machine's v2 mount beside the v1 controllers. On 6.18+ turning
// it on is one-way until reboot (cgroup_enable_per_threadgroup_rwsem).
// A machine without any cgroup2 mount keeps slow joins; booting with
// `cgroup_favordynmods=1` gives the same for every hierarchy.

import { readFileSync } from 'node:fs';
import { MS, mount } from '../libc.ts';
import { messageOf } from '../../lib/errors.ts';

const MS_RDONLY = 1; // <sys/mount.h>
const MS_REMOUNT = 32;
const MS_NOATIME = 1024;
const MS_NODIRATIME = 2048;

/** Per-mount flags a remount must repeat, or the kernel clears them (mount(2), MS_REMOUNT). */
const MOUNT_FLAGS: Record<string, number> = {
  ro: MS_RDONLY, nosuid: MS.NOSUID, nodev: MS.NODEV, noexec: MS.NOEXEC, noatime: MS_NOATIME, nodiratime: MS_NODIRATIME, relatime: MS.RELATIME,
};
/** cgroup2 options a remount must repeat, or the kernel clears them (cgroup_reconfigure). */
const CGROUP2_OPTIONS = ['nsdelegate', 'memory_localevents', 'memory_recursiveprot', 'memory_hugetlb_accounting', 'pids_localevents'];

export type DynmodsState =
  | { on: true; mount: string; how: 'already' | 'remounted' }
  | { on: false; reason: string };

export interface Remount {
  (target: string, flags: number, data: string): void;
}

export interface DynmodsPlan {
  target: string;
  flags: number;
  data: string;
}

function cgroup2Mounts(mountsText: string): { target: string; options: string[] }[] {
  return mountsText.split('\n').filter(Boolean).map((line) => line.split(' '))
    .filter((fields) => fields[2] === 'cgroup2')
    .map((fields) => ({ target: fields[1].replace(/\\040/g, ' '), options: fields[3].split(',') }));
}

/** What to remount, with which flags and data; undefined when it is already on or there is no cgroup2 mount. */
export function planDynmods(mountsText: string): DynmodsPlan | { already: string } | undefined {
  const mounts = cgroup2Mounts(mountsText);
  const on = mounts.find((m) => m.options.includes('favordynmods'));
  if (on) return { already: on.target };
  const first = mounts[0];
  if (!first) return undefined;
  const flags = first.options.reduce((sum, option) => sum | (MOUNT_FLAGS[option] ?? 0), MS_REMOUNT);
  const data = [...first.options.filter((option) => CGROUP2_OPTIONS.includes(option)), 'favordynmods'].join(',');
  return { target: first.target, flags, data };
}

function remountWithLibc(target: string, flags: number, data: string): void {
  mount('cgroup2', target, 'cgroup2', flags, data, 'E_SANDBOX_CGROUP');
}

/**
 * Turns favordynmods on if it is not. Never throws: a machine where it
 * cannot be set still runs every sandbox, only with slower joins, and the
 * returned state says why (shown by the spawn benchmark).
 */
export function favorDynmods(readMounts = (): string => readFileSync('/proc/self/mounts', 'utf8'), remount: Remount = remountWithLibc): DynmodsState {
  const plan = planDynmods(readMounts());
  if (plan === undefined) return { on: false, reason: 'no cgroup2 mount to carry favordynmods (boot with cgroup_favordynmods=1)' };
  if ('already' in plan) return { on: true, mount: plan.already, how: 'already' };
  try {
    remount(plan.target, plan.flags, plan.data);
  } catch (error) {
    return { on: false, reason: `remount ${plan.target} with ${plan.data}: ${messageOf(error)}` };
  }
  // Outside the initial cgroup namespace the kernel accepts the remount but
  // ignores root flags: believe /proc/self/mounts, not the return code.
  const after = planDynmods(readMounts());
  return after !== undefined && 'already' in after
    ? { on: true, mount: after.already, how: 'remounted' }
    : { on: false, reason: `remounted ${plan.target} but favordynmods did not take effect` };
}

let state: DynmodsState | undefined;

/** favorDynmods() once per process; later calls return the first answer. */
export function favorDynmodsOnce(): DynmodsState {
  state ??= favorDynmods();
  return state;
}
