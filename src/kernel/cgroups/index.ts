// One cgroup per agent, under an `octant/` parent, with the policy's limits.
// The common interface hides whether the machine runs cgroup v1 or v2.

import type { ResourceLimits } from '../sandbox-policy.ts';
import { detectCgroups } from './detect.ts';
import type { CgroupLayout } from './detect.ts';
import { createV1Cgroup, openV1Cgroup } from './v1.ts';
import { createV2Cgroup, openV2Cgroup } from './v2.ts';

export type { CgroupLayout } from './detect.ts';
export { detectCgroups } from './detect.ts';
export { favorDynmods, favorDynmodsOnce } from './favor-dynmods.ts';
export type { DynmodsState } from './favor-dynmods.ts';

export interface AgentCgroup {
  /** `octant/<name>` relative to each hierarchy. */
  readonly name: string;
  readonly version: 1 | 2;
  /** Every cgroup.procs file a process must be written into to join (one per v1 hierarchy). */
  readonly procsFiles: string[];
  /** Process ids (thread-group leaders) currently in the group. */
  pids(): number[];
  /**
   * Moves process `pid` (all its threads) into the group, one write per
   * cgroup.procs file. Only the process itself moves: children it already
   * forked stay where they are, so callers join a process before it forks
   * (the launcher does it while bwrap is still blocked reading its arguments).
   */
  join(pid: number): void;
  /** Freezes every task (v1 freezer.state, v2 cgroup.freeze) and waits until frozen. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /**
   * Kills every task and waits until the group is empty. `last` names a
   * process to spare until the others are gone and to give a moment to exit
   * on its own: the isolation tool's monitor, which then reaps its children
   * itself instead of leaving zombies for the host's PID 1.
   */
  kill(last?: number): Promise<void>;
  /** Removes the group's directories (the group must be empty). */
  remove(): void;
}

/** Creates `octant/<name>` with `limits` (fails if it already exists). */
export function createCgroup(name: string, limits: ResourceLimits, layout: CgroupLayout = detectCgroups()): AgentCgroup {
  return layout.version === 2 ? createV2Cgroup(layout.root, name, limits) : createV1Cgroup(layout.mounts, name, limits);
}

/** An existing `octant/<name>` (left by a runtime that crashed), or undefined. */
export function openCgroup(name: string, layout: CgroupLayout = detectCgroups()): AgentCgroup | undefined {
  return layout.version === 2 ? openV2Cgroup(layout.root, name) : openV1Cgroup(layout.mounts, name);
}
