// The stronger tier: the same SandboxPolicy as an OCI bundle run by gVisor's
// runsc, which puts a user-space kernel (the Sentry) between the agent and the
// host. The agent's syscalls are served by the Sentry; only a small, fixed
// set reaches the host kernel. We translate the policy into config.json
// (OCI runtime spec 1.0.2 "config.md" and "config-linux.md"):
//   binds → mounts (bind, ro/rw); /proc, /dev, a size-limited /tmp;
//   syscall allowlist → linux.seccomp (enforced inside the Sentry with
//   --oci-seccomp); namespaces pid, network, ipc, uts, mount; no capabilities.
// Resource limits: runsc runs with --ignore-cgroups inside the agent cgroup
// the launcher already joined, so the Sentry, the gofer and the agent share
// one ceiling and the same freezer / kill code as the bubblewrap tier.

import { existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BindMount, SandboxPolicy } from '../sandbox-policy.ts';
import { syscallRules } from '../seccomp/compiler.ts';
import type { SeccompOptions } from '../seccomp/compiler.ts';
import { AF_INET, AF_INET6, AF_UNIX, CLONE_NAMESPACE_FLAGS, HARMLESS_IOCTLS, MFD_EXEC, MFD_NOEXEC_SEAL, TIOCSTI } from '../seccomp/arg-filters.ts';
import type { SystemLayout } from './bwrap-args.ts';

export interface GvisorOptions {
  extraBinds?: BindMount[];
  env?: Record<string, string>;
  cwd?: string;
  system: SystemLayout;
  seccomp?: SeccompOptions;
}

export interface GvisorBundle {
  dir: string;
  /** Arguments after the runsc path. */
  runscArgs: string[];
  cleanup(): void;
}

interface OciSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: { index: number; value: number; valueTwo?: number; op: string }[];
}

/** linux.seccomp for the policy: the same decisions as compiler.ts, in OCI form. */
export function ociSeccomp(policy: Pick<SandboxPolicy, 'syscalls' | 'inet'>, options: SeccompOptions = {}): Record<string, unknown> {
  const plain: string[] = [];
  const syscalls: OciSyscall[] = [];
  for (const [name, rule] of syscallRules(policy)) {
    if (rule === 'allow') plain.push(name);
    else if (rule === 'enosys') {
      // clone3 (the only 'enosys' rule) is allowed through to the Sentry,
      // which does not implement it (ENOSYS: glibc then falls back to clone,
      // whose flags are checked below). An ERRNO rule cannot say ENOSYS here:
      // the runsc we support ignores errnoRet, so every clone3 would get
      // EPERM and no thread could start (Node, CPython threading). The
      // integration suite checks clone3 still answers ENOSYS under runsc.
      syscalls.push({ names: [name], action: 'SCMP_ACT_ALLOW' });
    }
    else if (name === 'socket') {
      // Rules on the same call are alternatives (OR).
      for (const family of policy.inet ? [AF_UNIX, AF_INET, AF_INET6] : [AF_UNIX]) {
        syscalls.push({ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: family, op: 'SCMP_CMP_EQ' }] });
      }
    } else if (name === 'clone') {
      syscalls.push({ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] });
    } else if (name === 'memfd_create') {
      // Sealed non-executable memfds only (arg-filters.ts): flags & (MFD_EXEC | MFD_NOEXEC_SEAL) == MFD_NOEXEC_SEAL.
      syscalls.push({ names: ['memfd_create'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: MFD_EXEC | MFD_NOEXEC_SEAL, valueTwo: MFD_NOEXEC_SEAL, op: 'SCMP_CMP_MASKED_EQ' }] });
    } else if (name === 'ioctl') {
      // One comparison per argument: TIOCSTI refused here; the Sentry does
      // not implement TIOCLINUX at all (ENOTTY).
      syscalls.push({ names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: TIOCSTI, op: 'SCMP_CMP_NE' }] });
    } else if (name === 'ioctl:harmless') {
      // The restricted variant: one alternative per listed request.
      for (const request of HARMLESS_IOCTLS.values()) {
        syscalls.push({ names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: request, op: 'SCMP_CMP_EQ' }] });
      }
    }
  }
  if (plain.length > 0) syscalls.unshift({ names: plain.sort(), action: 'SCMP_ACT_ALLOW' });
  return {
    defaultAction: options.defaultAction === 'kill' ? 'SCMP_ACT_KILL_PROCESS' : 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls,
  };
}

// Exec control in this tier (docs/isolation.md, "Exec control and
// Landlock"): the Sentry implements no Landlock, so the exec-guard cannot run
// here. What mounts can enforce is enforced: every writable mount (rw binds,
// /tmp, /dev) is noexec, so a file the agent writes is neither executed nor
// mapped executable, and the root is read-only. The system tree's program
// directories (PROGRAM_DIRS) are mounted again noexec on top of it, and each
// granted program found in them is bound back, executable, over its own
// file: /usr/bin/id does not run unless processes.exec lists it. Library
// directories stay executable (shared libraries are mapped executable), so a
// program kept among libraries (/usr/lib/*/...) is not refused here.
/** Directories of the system tree that hold programs, not libraries. */
export const PROGRAM_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/usr/libexec', '/usr/games'];

/**
 * Mounts, applied after the system tree, that leave only granted programs
 * executable in its program directories: each directory again, noexec; then
 * each granted program (its real path) that lies in one, bound over itself.
 */
export function programDirMounts(executables: readonly string[]): Record<string, unknown>[] {
  const dirs = PROGRAM_DIRS.filter((dir) => existsSync(dir) && !lstatSync(dir).isSymbolicLink());
  const granted = [...new Set(executables.filter((path) => existsSync(path)).map((path) => realpathSync(path)))];
  const inside = granted.filter((path) => dirs.some((dir) => path === dir || path.startsWith(`${dir}/`)));
  return [
    ...dirs.map((dir) => ({ destination: dir, type: 'bind', source: dir, options: ['rbind', 'ro', 'noexec', 'nosuid', 'nodev'] })),
    ...inside.map((path) => ({ destination: path, type: 'bind', source: path, options: ['rbind', 'ro', 'nosuid', 'nodev'] })),
  ];
}

function bindMount(bind: BindMount): Record<string, unknown> {
  const writable = bind.mode === 'rw' ? ['rw', 'noexec'] : ['ro'];
  return { destination: bind.target, type: 'bind', source: bind.source, options: ['rbind', ...writable, 'nosuid', 'nodev'] };
}

/** Writes the bundle (rootfs with mount points, config.json) in a fresh temp dir. */
export function prepareGvisorBundle(policy: SandboxPolicy, command: readonly string[], options: GvisorOptions): GvisorBundle {
  const dir = mkdtempSync(join(tmpdir(), 'octant-gvisor-'));
  try {
    const rootfs = join(dir, 'rootfs');
    const binds: BindMount[] = [
      ...options.system.roBinds.map((path): BindMount => ({ source: path, target: path, mode: 'ro' })),
      ...policy.binds,
      ...(options.extraBinds ?? []),
    ];
    // The root is read-only, so every mount point exists beforehand.
    for (const target of ['/proc', '/dev', '/tmp']) mkdirSync(join(rootfs, target), { recursive: true });
    for (const bind of binds) {
      const point = join(rootfs, bind.target);
      if (statSync(bind.source).isDirectory()) mkdirSync(point, { recursive: true });
      else {
        mkdirSync(dirname(point), { recursive: true });
        writeFileSync(point, '');
      }
    }
    for (const [link, target] of Object.entries(options.system.symlinks)) symlinkSync(target, join(rootfs, link));
    const none: string[] = [];
    const config = {
      ociVersion: '1.0.2',
      process: {
        terminal: false,
        // The agent's host identity (no supplementary groups); runsc runs
        // rootful (--rootless=false) and maps ids 1:1, so this uid is what
        // the host sees on files written through the gofer.
        user: { uid: policy.user.uid, gid: policy.user.gid, additionalGids: [] },
        args: command,
        env: Object.entries(options.env ?? { PATH: '/usr/bin:/bin' }).map(([k, v]) => `${k}=${v}`),
        cwd: options.cwd ?? '/',
        capabilities: { bounding: none, effective: none, inheritable: none, permitted: none, ambient: none },
        noNewPrivileges: true,
      },
      root: { path: rootfs, readonly: true },
      hostname: 'octant',
      mounts: [
        { destination: '/proc', type: 'proc', source: 'proc' },
        { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'noexec', 'mode=755', 'size=65536k'] },
        { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', `size=${policy.tmpBytes}`] },
        // System tree first (the first binds), then its program directories
        // closed, then the policy's and the runtime's own binds on top.
        ...binds.slice(0, options.system.roBinds.length).map(bindMount),
        ...programDirMounts(policy.executables),
        ...binds.slice(options.system.roBinds.length).map(bindMount),
      ],
      linux: {
        namespaces: ['pid', 'network', 'ipc', 'uts', 'mount'].map((type) => ({ type })),
        seccomp: ociSeccomp(policy, options.seccomp),
      },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
    // --host-uds=open lets the agent connect to bound host sockets (gateway,
    // egress proxy); runsc loosens the Sentry's own host filter for it, so it
    // is only set when the runtime binds something extra.
    const hostUds = (options.extraBinds ?? []).length > 0 ? ['--host-uds=open'] : [];
    const runscArgs = [
      '--rootless=false', '--network=none', '--oci-seccomp', '--ignore-cgroups', ...hostUds,
      '--root', join(dir, 'state'), 'run', '--bundle', dir, `octant-${policy.id}`,
    ];
    return { dir, runscArgs, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
