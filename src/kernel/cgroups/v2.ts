// cgroup v2 (Documentation/admin-guide/cgroup-v2.rst): one tree. Controllers
// must be enabled in every ancestor's cgroup.subtree_control; limits are
// memory.max (+ memory.swap.max 0), pids.max, cpu.max, io.max; cgroup.freeze
// suspends and cgroup.kill (Linux 5.14) kills the whole group atomically.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceLimits } from '../sandbox-policy.ts';
import type { AgentCgroup } from './index.ts';
import {
  PARENT, blockDevices, checkName, joinGroup, killGroup, killPids, makeGroup, readControl, readPids, removeGroup, waitFor, writeControl,
} from './cgroup-files.ts';

const CPU_PERIOD_US = 100_000;
const WANTED = ['memory', 'pids', 'cpu', 'io'];

function eventFlag(dir: string, key: string): string | undefined {
  const line = readFileSync(join(dir, 'cgroup.events'), 'utf8').split('\n').find((l) => l.startsWith(`${key} `));
  return line?.split(' ')[1];
}

export function createV2Cgroup(root: string, name: string, limits: ResourceLimits): AgentCgroup {
  checkName(name);
  const available = readControl(join(root, 'cgroup.controllers')).split(/\s+/);
  const enable = WANTED.filter((c) => available.includes(c));
  const subtree = enable.map((c) => `+${c}`).join(' ');
  // The root and octant/ must delegate the controllers to their children.
  writeControl(join(root, 'cgroup.subtree_control'), subtree);
  const dir = makeGroup(root, name);
  try {
    writeControl(join(root, PARENT, 'cgroup.subtree_control'), subtree);
    applyLimits(dir, limits, enable);
  } catch (error) {
    removeGroup(dir);
    throw error;
  }
  return v2Handle(dir, name);
}

/** The group `octant/<name>` as a crashed runtime left it (reconciliation at start), or undefined. */
export function openV2Cgroup(root: string, name: string): AgentCgroup | undefined {
  checkName(name);
  const dir = join(root, PARENT, name);
  return existsSync(dir) ? v2Handle(dir, name) : undefined;
}

function v2Handle(dir: string, name: string): AgentCgroup {
  const procs = join(dir, 'cgroup.procs');
  return {
    name: `${PARENT}/${name}`,
    version: 2,
    procsFiles: [procs],
    pids: () => readPids(procs),
    join: (pid: number) => joinGroup([procs], pid),
    async freeze() {
      writeControl(join(dir, 'cgroup.freeze'), '1');
      await waitFor(`${dir} to freeze`, () => eventFlag(dir, 'frozen') === '1');
    },
    async thaw() {
      writeControl(join(dir, 'cgroup.freeze'), '0');
      await waitFor(`${dir} to thaw`, () => eventFlag(dir, 'frozen') === '0');
    },
    // cgroup.kill (5.14+) kills atomically, forks included; older kernels get
    // the same freeze-free loop as v1 minus the freezer.
    async kill(last?: number) {
      const killFile = join(dir, 'cgroup.kill');
      const killAll = (): void => (existsSync(killFile) ? writeControl(killFile, '1') : killPids(readPids(procs)));
      await killGroup(dir, () => (eventFlag(dir, 'populated') === '0' ? [] : readPids(procs)), killPids, killAll, last);
    },
    remove() {
      removeGroup(dir);
    },
  };
}

function applyLimits(dir: string, limits: ResourceLimits, enabled: string[]): void {
  if (limits.memoryBytes !== undefined && enabled.includes('memory')) {
    writeControl(join(dir, 'memory.max'), String(limits.memoryBytes));
    if (existsSync(join(dir, 'memory.swap.max'))) writeControl(join(dir, 'memory.swap.max'), '0');
  }
  if (limits.pids !== undefined && enabled.includes('pids')) writeControl(join(dir, 'pids.max'), String(limits.pids));
  if (limits.cpu !== undefined && enabled.includes('cpu')) {
    writeControl(join(dir, 'cpu.max'), `${Math.max(1000, Math.round(limits.cpu * CPU_PERIOD_US))} ${CPU_PERIOD_US}`);
  }
  if (limits.ioBytesPerSec !== undefined && enabled.includes('io')) {
    for (const device of blockDevices()) writeControl(join(dir, 'io.max'), `${device} rbps=${limits.ioBytesPerSec} wbps=${limits.ioBytesPerSec}`);
  }
}
