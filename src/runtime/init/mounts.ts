// The pseudo-filesystems a PID 1 must provide before anything else runs
// (the kernel mounts none of them for us). Each is mounted only when its
// mount point is not already a mount point, so `octant init` works both on a
// bare root (a `FROM scratch` container, a VM's initramfs hand-off) and under
// a container runtime that prepared them already.

import { mkdirSync, readFileSync } from 'node:fs';
import { MS, mount } from '../../kernel/libc.ts';
import type { Logger } from '../log.ts';

export interface MountSpec {
  target: string;
  fstype: string;
  source: string;
  flags: number;
  data?: string;
  /** The error code of this step, so a failure names the mount. */
  code: string;
}

/** What PID 1 mounts (flags as in systemd's mount-setup.c, the usual hardening). */
export const EARLY_MOUNTS: readonly MountSpec[] = [
  { target: '/proc', fstype: 'proc', source: 'proc', flags: MS.NOSUID | MS.NODEV | MS.NOEXEC, code: 'E_INIT_MOUNT_PROC' },
  { target: '/sys', fstype: 'sysfs', source: 'sysfs', flags: MS.NOSUID | MS.NODEV | MS.NOEXEC, code: 'E_INIT_MOUNT_SYS' },
  { target: '/dev', fstype: 'devtmpfs', source: 'devtmpfs', flags: MS.NOSUID, data: 'mode=0755', code: 'E_INIT_MOUNT_DEV' },
  { target: '/run', fstype: 'tmpfs', source: 'tmpfs', flags: MS.NOSUID | MS.NODEV, data: 'mode=0755', code: 'E_INIT_MOUNT_RUN' },
  // The unified hierarchy the agents' groups live in (cgroup-v2.rst "Mounting";
  // nsdelegate: a cgroup namespace is a delegation boundary). Only when nothing
  // is mounted there: a host or container runtime that mounted v1 keeps it.
  { target: '/sys/fs/cgroup', fstype: 'cgroup2', source: 'cgroup2', flags: MS.NOSUID | MS.NODEV | MS.NOEXEC, data: 'nsdelegate', code: 'E_INIT_MOUNT_CGROUP' },
];

/** Mount points listed in a mountinfo text (proc(5): field 5 is the mount point, octal-escaped). */
export function mountPoints(mountinfo: string): Set<string> {
  const points = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4];
    if (field !== undefined) points.add(field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return points;
}

function currentMountPoints(): Set<string> {
  try {
    return mountPoints(readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return new Set(); // no /proc yet: nothing is known to be mounted
  }
}

/** Mount each spec whose target is not a mount point yet; returns the targets mounted.
 *  /proc comes first in the list, so later checks can read mountinfo. */
export function mountMissing(specs: readonly MountSpec[], log: Logger): string[] {
  const mounted: string[] = [];
  for (const spec of specs) {
    if (currentMountPoints().has(spec.target)) continue;
    mkdirSync(spec.target, { recursive: true, mode: 0o755 });
    mount(spec.source, spec.target, spec.fstype, spec.flags, spec.data, spec.code);
    log.info('mounted', { target: spec.target, fstype: spec.fstype });
    mounted.push(spec.target);
  }
  return mounted;
}
