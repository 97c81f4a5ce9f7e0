// cgroup v1: one directory per controller hierarchy (Documentation/admin-guide/
// cgroup-v1/): memory.limit_in_bytes (+ memsw so swap cannot stretch it),
// pids.max, cpu.cfs_quota_us / cfs_period_us, blkio.throttle.*_bps_device,
// and the freezer for suspension and for killing without races.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceLimits } from '../sandbox-policy.ts';
import type { AgentCgroup } from './index.ts';
import type { V1Controller } from './detect.ts';
import {
  PARENT, blockDevices, checkName, joinGroup, killGroup, killPids, makeGroup, readControl, readPids, removeGroup, waitFor, writeControl,
} from './cgroup-files.ts';

const CFS_PERIOD_US = 100_000;

export function createV1Cgroup(mounts: Partial<Record<V1Controller, string>>, name: string, limits: ResourceLimits): AgentCgroup {
  checkName(name);
  const dirs: Partial<Record<V1Controller, string>> = {};
  const created: string[] = [];
  try {
    for (const [controller, mount] of Object.entries(mounts) as [V1Controller, string][]) {
      dirs[controller] = makeGroup(mount, name);
      created.push(dirs[controller]);
    }
    applyLimits(dirs, limits);
  } catch (error) {
    // Nothing half-made: undo the directories this call created.
    for (const dir of created.reverse()) removeGroup(dir);
    throw error;
  }
  return v1Handle(dirs, name);
}

/**
 * The group `octant/<name>` as a crashed runtime left it (reconciliation at
 * start): only the hierarchies where it still exists; undefined if none.
 */
export function openV1Cgroup(mounts: Partial<Record<V1Controller, string>>, name: string): AgentCgroup | undefined {
  checkName(name);
  const dirs: Partial<Record<V1Controller, string>> = {};
  for (const [controller, mount] of Object.entries(mounts) as [V1Controller, string][]) {
    const dir = join(mount, PARENT, name);
    if (existsSync(dir)) dirs[controller] = dir;
  }
  return Object.keys(dirs).length === 0 ? undefined : v1Handle(dirs, name);
}

function v1Handle(dirs: Partial<Record<V1Controller, string>>, name: string): AgentCgroup {
  const created = Object.values(dirs) as string[];
  // Without a freezer hierarchy (a leftover group), kill falls back to plain signals.
  const freezer = dirs.freezer ?? created[0];
  const procs = join(freezer, 'cgroup.procs');
  const state = join(freezer, 'freezer.state');
  const procsFiles = created.map((dir) => join(dir, 'cgroup.procs'));
  const group: AgentCgroup = {
    name: `${PARENT}/${name}`,
    version: 1,
    procsFiles,
    pids: () => readPids(procs),
    join: (pid: number) => joinGroup(procsFiles, pid),
    async freeze() {
      writeControl(state, 'FROZEN');
      await waitFor(`${state} to read FROZEN`, () => readControl(state) === 'FROZEN');
    },
    async thaw() {
      writeControl(state, 'THAWED');
      await waitFor(`${state} to read THAWED`, () => readControl(state) === 'THAWED');
    },
    // Freeze first so nothing forks between reading the list and killing it;
    // SIGKILL is delivered to frozen tasks once they thaw.
    async kill(last?: number) {
      const frozenKill = (pids: number[]): void => {
        if (dirs.freezer === undefined) return killPids(pids);
        writeControl(state, 'FROZEN');
        killPids(pids);
        writeControl(state, 'THAWED');
      };
      await killGroup(procs, () => readPids(procs), frozenKill, () => frozenKill(readPids(procs)), last);
    },
    remove() {
      for (const dir of [...created].reverse()) removeGroup(dir);
    },
  };
  return group;
}

function applyLimits(dirs: Partial<Record<V1Controller, string>>, limits: ResourceLimits): void {
  if (limits.memoryBytes !== undefined && dirs.memory) {
    writeControl(join(dirs.memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    // memsw = memory + swap; equal to the memory limit means no swap at all.
    const memsw = join(dirs.memory, 'memory.memsw.limit_in_bytes');
    if (existsSync(memsw)) writeControl(memsw, String(limits.memoryBytes));
  }
  if (limits.pids !== undefined && dirs.pids) writeControl(join(dirs.pids, 'pids.max'), String(limits.pids));
  if (limits.cpu !== undefined && dirs.cpu) {
    writeControl(join(dirs.cpu, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
    writeControl(join(dirs.cpu, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(limits.cpu * CFS_PERIOD_US))));
  }
  if (limits.ioBytesPerSec !== undefined && dirs.blkio) {
    for (const device of blockDevices()) {
      writeControl(join(dirs.blkio, 'blkio.throttle.read_bps_device'), `${device} ${limits.ioBytesPerSec}`);
      writeControl(join(dirs.blkio, 'blkio.throttle.write_bps_device'), `${device} ${limits.ioBytesPerSec}`);
    }
  }
}
