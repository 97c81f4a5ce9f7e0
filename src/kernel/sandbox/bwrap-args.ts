// Builds bubblewrap's argument list from a SandboxPolicy (bwrap(1), 0.8).
// Pure: validation of the host side (paths exist) is the launcher's job.
// Order matters: bwrap applies mounts in argument order, so the fresh /proc,
// /dev and /tmp come first and the policy's binds land on top of them.

import { OctantError, EXIT } from '../../lib/errors.ts';
import type { BindMount, SandboxPolicy } from '../sandbox-policy.ts';
import { EXEC_GUARD_TARGET } from '../landlock/exec-guard-args.ts';
import { procArgs, type ProcLayout } from './kernel-interfaces.ts';

/** The file descriptor bwrap reads the seccomp program from (stdio[3] of the spawned process). */
export const SECCOMP_FD = 3;
/**
 * The file descriptor bwrap reads its options from (`--args 4`, stdio[4]).
 * bwrap parses every option before it creates any namespace or process, so
 * while this pipe is open and empty bwrap is a single blocked process: the
 * launcher moves it into the agent's cgroup then, and only then writes.
 */
export const ARGS_FD = 4;

/**
 * Read-only system directories every sandbox gets so granted executables can
 * find their dynamic loader and shared libraries (see docs/isolation.md,
 * "Why /usr is bound"). On a merged-/usr system /bin, /lib, /lib64 and /sbin
 * are symlinks into /usr and are recreated as symlinks inside.
 */
export interface SystemLayout {
  roBinds: string[];
  /** link path → link target, as on the host. */
  symlinks: Record<string, string>;
  /** The kernel interfaces of /proc made read-only or masked (kernel-interfaces.ts). */
  proc: ProcLayout;
}

export interface BwrapOptions {
  /** Sockets and files the runtime adds (gateway socket, egress proxy socket). */
  extraBinds?: BindMount[];
  cwd?: string;
  system: SystemLayout;
  /** Pass the filter on SECCOMP_FD (default true; false only for benchmarks). */
  seccomp?: boolean;
  /**
   * Host path of the exec-guard helper (landlock/exec-guard.c). When set,
   * bwrap runs the helper (command from landlock/exec-guard-args.ts
   * guardedCommand) with the two capabilities it needs, and the helper, not
   * bwrap, installs the seccomp filter read from SECCOMP_FD.
   */
  execGuard?: string;
}

function bindArgs(bind: BindMount): string[] {
  return [bind.mode === 'rw' ? '--bind' : '--ro-bind', bind.source, bind.target];
}

/** Everything before `--`: what `--args` carries (bwrap takes the command only from argv). */
export function bwrapOptions(policy: SandboxPolicy, options: BwrapOptions): string[] {
  const args = [
    // New mount, pid, net, ipc and uts namespaces (bwrap always makes a mount
    // namespace), inside a user namespace: bwrap runs as the agent's
    // unprivileged host uid (launch.ts), creates the user namespace itself
    // and maps only that uid, so every other namespace is owned by a user
    // namespace where the agent holds no capability. The agent may not
    // create user namespaces of its own (docs/isolation.md).
    '--unshare-user', '--disable-userns',
    '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--hostname', 'octant',
    // Kill the sandbox if its parent (the runtime) dies; no controlling
    // terminal (TIOCSTI defence in depth); no capabilities at all.
    '--die-with-parent', '--new-session', '--cap-drop', 'ALL',
    '--proc', '/proc',
    // Host kernel settings read-only, host-state files masked.
    ...procArgs(options.system.proc),
    '--dev', '/dev',
    '--size', String(policy.tmpBytes), '--tmpfs', '/tmp',
  ];
  for (const dir of options.system.roBinds) args.push('--ro-bind', dir, dir);
  for (const [link, target] of Object.entries(options.system.symlinks)) args.push('--symlink', target, link);
  for (const bind of policy.binds) args.push(...bindArgs(bind));
  for (const bind of options.extraBinds ?? []) args.push(...bindArgs(bind));
  if (options.execGuard !== undefined) {
    // The helper makes the writable mounts noexec (CAP_SYS_ADMIN, in a mount
    // namespace of its own) and empties the bounding set (CAP_SETPCAP); it
    // drops both before it executes the agent's program.
    args.push('--ro-bind', options.execGuard, EXEC_GUARD_TARGET, '--cap-add', 'CAP_SYS_ADMIN', '--cap-add', 'CAP_SETPCAP');
  }
  // Remount / read-only once everything is in place: only the rw binds and
  // /tmp stay writable.
  args.push('--remount-ro', '/');
  if (options.cwd) args.push('--chdir', options.cwd);
  // Installed last, just before execve of the command, so bwrap's own setup
  // is not filtered but everything the agent runs is.
  if (options.seccomp !== false && options.execGuard === undefined) args.push('--seccomp', String(SECCOMP_FD));
  return args;
}

/** The whole command line, options inline (benchmarks and tests). */
export function bwrapArgs(policy: SandboxPolicy, command: readonly string[], options: BwrapOptions): string[] {
  return [...bwrapOptions(policy, options), '--', ...command];
}

/**
 * `--args` data: NUL-separated (bubblewrap.c parse_args). A NUL inside an
 * option would split it into two options, so one is refused, naming it.
 */
export function encodeArgs(args: readonly string[]): Buffer {
  const bad = args.findIndex((arg) => arg.includes('\0'));
  if (bad !== -1) throw new OctantError('E_SANDBOX_ARGS', `bwrap option ${bad} (${JSON.stringify(args[bad])}) contains a NUL byte`, { exit: EXIT.denied });
  return Buffer.from(args.map((arg) => `${arg}\0`).join(''));
}
