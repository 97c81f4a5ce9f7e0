// The real probes behind `octant doctor`: each asks the running kernel
// directly (create the namespace, read /proc, call the syscall) rather than
// trusting a version number.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { landlockAbiVersion, libcAvailable, seccompMode } from '../../kernel/libc.ts';
import { cgroupPlacement } from '../../kernel/cgroups/placement.ts';
import type { CgroupFacts, DoctorProbes, Finding, NamespaceKind } from './checks.ts';

const CGROUP_V1_CONTROLLERS = new Set([
  'blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'misc', 'net_cls', 'net_prio', 'perf_event', 'pids', 'rdma',
]);

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((dir) => dir !== '' && existsSync(`${dir}/${tool}`));
}

/** Create the namespace with unshare(1) and run `true` in it. Without root,
 *  the others are created inside a new user namespace, as bubblewrap does. */
function namespace(kind: NamespaceKind): Finding {
  if (!onPath('unshare')) {
    const present = existsSync(`/proc/self/ns/${kind}`);
    return { ok: present, detail: present ? `/proc/self/ns/${kind} exists (not created: unshare is not installed)` : `/proc/self/ns/${kind} is absent` };
  }
  const flags = kind === 'pid' ? ['--pid', '--fork'] : [`--${kind}`];
  const asUser = process.getuid?.() !== 0 && kind !== 'user' ? ['--user', '--map-root-user'] : [];
  // Run by root, the user namespace is asked for by an unprivileged uid
  // (nobody): every agent's bwrap creates it as its own unprivileged uid.
  const unprivileged = kind === 'user' && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const result = spawnSync('unshare', [...asUser, ...flags, 'true'], { encoding: 'utf8', timeout: 10_000, ...unprivileged });
  if (result.status === 0) return { ok: true, detail: `created one (unshare ${[...asUser, ...flags].join(' ')}${'uid' in unprivileged ? ', as uid 65534' : ''})` };
  let detail = firstLine(result.stderr ?? '') || result.error?.message || `unshare exited ${result.status}`;
  if (kind === 'user') {
    try {
      detail += `; kernel.unprivileged_userns_clone=${readFileSync('/proc/sys/kernel/unprivileged_userns_clone', 'utf8').trim()}`;
    } catch { /* the sysctl exists only on some kernels */ }
  }
  return { ok: false, detail };
}

function kernelConfig(): string | undefined {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
  } catch { /* not built with IKCONFIG_PROC */ }
  try {
    return readFileSync(`/boot/config-${release()}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** /proc/self/status has a Seccomp field only when the kernel has seccomp;
 *  PR_GET_SECCOMP confirms it; the kernel config, when readable, says whether filters (mode 2) exist. */
function seccomp(): Finding {
  const status = readFileSync('/proc/self/status', 'utf8');
  const field = /^Seccomp:\s*(\d)/m.exec(status)?.[1];
  if (field === undefined) return { ok: false, detail: '/proc/self/status has no Seccomp field: the kernel lacks CONFIG_SECCOMP' };
  const mode = seccompMode();
  const config = kernelConfig();
  const filter = config === undefined ? undefined : /^CONFIG_SECCOMP_FILTER=y$/m.test(config);
  const parts = [`Seccomp field ${field}`, `PR_GET_SECCOMP ${mode}`, filter === undefined ? 'kernel config not readable' : `CONFIG_SECCOMP_FILTER=${filter ? 'y' : 'not set'}`];
  return { ok: mode >= 0 && filter !== false, detail: parts.join(', ') };
}

/** Mounted cgroup hierarchies from mountinfo (proc(5)): the filesystem type
 *  follows ' - '; a v1 hierarchy names its controllers in the super options. */
function cgroups(): CgroupFacts {
  const facts: CgroupFacts = { v1: [], v2: [], v2Mount: undefined };
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (right === undefined) continue;
    const [fstype, , superOptions] = right.split(' ');
    const mountPoint = left.split(' ')[4];
    if (fstype === 'cgroup') {
      for (const option of superOptions.split(',')) if (CGROUP_V1_CONTROLLERS.has(option) && !facts.v1.includes(option)) facts.v1.push(option);
    } else if (fstype === 'cgroup2' && facts.v2Mount === undefined) {
      facts.v2Mount = mountPoint;
      try {
        facts.v2 = readFileSync(`${mountPoint}/cgroup.controllers`, 'utf8').trim().split(/\s+/).filter((c) => c !== '');
      } catch { /* mounted but unreadable: no controllers we can use */ }
    }
  }
  return facts;
}

function tool(name: 'bwrap' | 'runsc'): Finding {
  const result = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) return { ok: false, detail: `${name}: ${(result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : result.error.message}` };
  if (result.status !== 0) return { ok: false, detail: `${name} --version exited ${result.status}: ${firstLine(result.stderr)}` };
  return { ok: true, detail: firstLine(result.stdout) || firstLine(result.stderr) };
}

function ffi(): Finding {
  const result = libcAvailable();
  return result.ok ? { ok: true, detail: 'libc.so.6 reachable through node:ffi' } : { ok: false, detail: result.reason };
}

/** Where this user's agents' cgroups would go, or why there is none. */
function limits(): Finding {
  const placement = cgroupPlacement();
  return placement.enforced ? { ok: true, detail: `this user's agents get cgroups: ${placement.detail}` } : { ok: false, detail: `cannot be enforced for this user: ${placement.reason}` };
}

export const systemProbes: DoctorProbes = { namespace, seccomp, cgroups, limits, tool, landlockAbi: landlockAbiVersion, ffi };
