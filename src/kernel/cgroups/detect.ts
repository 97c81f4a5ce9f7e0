// Which cgroup hierarchy can hold our agents: cgroup v2 when the unified
// hierarchy has the controllers we limit with (memory and pids at least),
// cgroup v1 otherwise. A hybrid machine (v1 controllers plus a v2 mount that
// holds only hugetlb, like systemd's "unified" mount) is treated as v1.
// Mount points come from /proc/self/mounts (proc(5)), not from guesses.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OctantError, EXIT } from '../../lib/errors.ts';

/** The v1 controllers we use; each is its own mounted hierarchy. */
export const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'blkio', 'freezer'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

export type CgroupLayout =
  | { version: 2; root: string; controllers: string[] }
  | { version: 1; mounts: Partial<Record<V1Controller, string>> };

interface MountLine {
  target: string;
  type: string;
  options: string[];
}

function parseMounts(text: string): MountLine[] {
  return text.split('\n').filter(Boolean).map((line) => {
    const fields = line.split(' ');
    // Mount paths escape spaces as \040 (proc(5)).
    return { target: fields[1].replace(/\\040/g, ' '), type: fields[2], options: fields[3].split(',') };
  });
}

function readWords(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
}

/** Inspects the mounts (pass `mountsText` to test with a recorded table). */
export function detectCgroups(mountsText = readFileSync('/proc/self/mounts', 'utf8')): CgroupLayout {
  const mounts = parseMounts(mountsText);
  for (const mount of mounts.filter((m) => m.type === 'cgroup2')) {
    const controllers = readWords(join(mount.target, 'cgroup.controllers'));
    if (controllers.includes('memory') && controllers.includes('pids')) return { version: 2, root: mount.target, controllers };
  }
  const v1: Partial<Record<V1Controller, string>> = {};
  for (const mount of mounts.filter((m) => m.type === 'cgroup')) {
    for (const name of V1_CONTROLLERS) if (mount.options.includes(name) && !v1[name]) v1[name] = mount.target;
  }
  if (!v1.memory || !v1.pids || !v1.freezer) {
    throw new OctantError('E_SANDBOX_CGROUP', 'no usable cgroup hierarchy: need memory, pids and freezer (v1) or a v2 mount with memory and pids', {
      exit: EXIT.unavailable,
      hint: 'mount cgroup2 with its controllers enabled, or the v1 memory, pids and freezer hierarchies',
      detail: { found: Object.keys(v1) },
    });
  }
  return { version: 1, mounts: v1 };
}
