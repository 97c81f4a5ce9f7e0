// The small file operations both cgroup versions share: each write names the
// file that refused it, so a failure says which limit could not be applied.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OctantError, messageOf } from '../../lib/errors.ts';

export const PARENT = 'octant';

/** Agent names become directory names: refuse anything that could walk the tree. */
export function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
    throw new OctantError('E_SANDBOX_CGROUP', `cgroup name "${name}" must be 1-128 of [A-Za-z0-9._-] and not start with a dot or dash`);
  }
}

export function writeControl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (error) {
    throw new OctantError('E_SANDBOX_CGROUP', `cannot write "${value}" to ${path}: ${messageOf(error)}`, { cause: error });
  }
}

export function readControl(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

/** mkdir the parent (shared, may exist) and the agent group (must not exist). */
export function makeGroup(hierarchy: string, name: string): string {
  const parent = join(hierarchy, PARENT);
  const dir = join(parent, name);
  try {
    mkdirSync(parent, { recursive: true });
    if (existsSync(dir)) throw new Error('it already exists (another agent with this id, or a leftover group)');
    mkdirSync(dir);
  } catch (error) {
    throw new OctantError('E_SANDBOX_CGROUP', `cannot create cgroup ${dir}: ${messageOf(error)}`, { cause: error });
  }
  return dir;
}

/** Writes `pid` into each cgroup.procs file; the first refusal names its file. */
export function joinGroup(procsFiles: readonly string[], pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new OctantError('E_SANDBOX_CGROUP', `pid ${pid} is not a process id`);
  for (const file of procsFiles) writeControl(file, String(pid));
}

export function readPids(procsFile: string): number[] {
  if (!existsSync(procsFile)) return [];
  return readFileSync(procsFile, 'utf8').split('\n').filter(Boolean).map(Number);
}

/** Polls `done` every few ms until true, or throws E_SANDBOX_CGROUP after `ms`. */
export async function waitFor(what: string, done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  let delay = 1;
  while (!done()) {
    if (Date.now() > deadline) throw new OctantError('E_SANDBOX_CGROUP', `timed out waiting for ${what}`);
    await sleep(delay);
    delay = Math.min(delay * 2, 20);
  }
}

/** SIGKILL every process listed, ignoring ones that already exited. */
export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/**
 * Kills the group's processes until none is left: first all but `last`
 * (via `killOthers`), then a grace period for `last` to exit by itself, then
 * whatever remains (via `killAll`).
 */
export async function killGroup(what: string, list: () => number[], killOthers: (pids: number[]) => void, killAll: () => void, last?: number): Promise<void> {
  await waitFor(`${what} to hold only its monitor`, () => {
    const others = list().filter((pid) => pid !== last);
    if (others.length > 0) killOthers(others);
    return others.length === 0;
  });
  try {
    await waitFor(`${what} monitor to exit`, () => list().length === 0, 2000);
  } catch {
    // The monitor did not exit by itself: no more courtesy.
  }
  await waitFor(`${what} to empty`, () => {
    if (list().length === 0) return true;
    killAll();
    return false;
  });
}

export function removeGroup(dir: string): void {
  try {
    if (existsSync(dir)) rmdirSync(dir);
  } catch (error) {
    throw new OctantError('E_SANDBOX_CGROUP', `cannot remove cgroup ${dir}: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Whole block devices with real hardware behind them (those with a
 * /sys/block/<dev>/device link: disks and virtio, not loop, ram or zram),
 * as "major:minor", for the per-device I/O throttles.
 */
export function blockDevices(sysBlock = '/sys/block'): string[] {
  if (!existsSync(sysBlock)) return [];
  return readdirSync(sysBlock)
    .filter((dev) => existsSync(join(sysBlock, dev, 'device')))
    .map((dev) => readControl(join(sysBlock, dev, 'dev')));
}
