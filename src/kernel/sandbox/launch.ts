// The sandbox launcher: one straight-line function, each privileged step
// commented and failing with its own error code (ARCHITECTURE.md).
//
//   1. find the isolation tool        E_SANDBOX_BWRAP_MISSING / E_SANDBOX_RUNSC_MISSING
//      (gVisor needs root)            E_SANDBOX_RUNSC_ROOT
//   2. the command must be granted    E_SANDBOX_EXEC
//   3. every bind must be sound       E_SANDBOX_BIND (the working directory: E_SANDBOX_ARGS)
//      and no kernel interface        E_SANDBOX_KERNEL_FS
//   3b. the agent's own uid           E_SANDBOX_USER (never 0)
//      reaches every bind             E_SANDBOX_GRANT_ACCESS
//   4. the seccomp filter (cached)    E_SANDBOX_SECCOMP
//   4b. Landlock and the exec-guard   E_SANDBOX_LANDLOCK / E_SANDBOX_EXEC_GUARD (bwrap tier)
//   5. create the agent's cgroup      E_SANDBOX_CGROUP (first launch: favordynmods, see step 5)
//      or refuse where none can be   E_SANDBOX_LIMITS_UNENFORCED (unless the operator accepted it)
//   6. spawn the isolation tool       E_SANDBOX_SPAWN (E_SANDBOX_ARGS: an option bwrap would misread)
//      as the agent's uid/gid (bwrap tier; runsc gets it as the OCI process.user)
//   7. join the cgroup, then release  E_SANDBOX_CGROUP
//   8. hand the filter over on fd 3
//
// bwrap tier: bwrap does not run the agent's command itself but the
// exec-guard helper (kernel/landlock), which makes writable mounts noexec,
// drops every capability, enforces Landlock (only policy.executables may be
// executed, only the granted paths read or written), installs the seccomp
// filter and then executes the command.
//
// Every process of the sandbox is born inside its cgroup:
// - bwrap tier: bwrap is started as `bwrap --args 4 -- command` and parses
//   all its options from fd 4 before it creates any namespace or process
//   (bubblewrap.c main: parse_args runs before the first clone). While fd 4
//   is open and empty, bwrap is one process blocked in read(); the launcher
//   writes its pid into every cgroup.procs, and only then writes the options
//   and closes the pipe. If a write is refused, bwrap is killed without ever
//   reading an option. No shell in between: one exec fewer per spawn.
// - gVisor tier: runsc has no such gate, so a shell writes its own pid ($$)
//   into every cgroup.procs and only then execs runsc (exit 125 = could not
//   join). Writing runsc's pid from here after spawn() would race with its
//   first fork.

import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { OctantError, EXIT, messageOf } from '../../lib/errors.ts';
import type { BindMount, SandboxPolicy } from '../sandbox-policy.ts';
import { compileSeccompProgram } from '../seccomp/compiler.ts';
import { cachedSeccomp } from '../seccomp/filter-cache.ts';
import type { SeccompOptions } from '../seccomp/compiler.ts';
import { createCgroup, favorDynmodsOnce } from '../cgroups/index.ts';
import type { AgentCgroup, CgroupLayout } from '../cgroups/index.ts';
import { hostCgroupPlacement, type CgroupPlacement } from '../cgroups/placement.ts';
import { unenforcedCgroup, type UnenforcedCgroup } from '../cgroups/unenforced.ts';
import { ARGS_FD, bwrapOptions, encodeArgs, SECCOMP_FD } from './bwrap-args.ts';
import { hostSystemLayout } from './system-layout.ts';
import { prepareGvisorBundle } from './gvisor.ts';
import { checkBindAccess, checkKernelInterfaces, checkUser, switchesUser } from './agent-access.ts';
import { requireLandlock } from '../landlock/require-landlock.ts';
import { execGuardPath } from '../landlock/exec-guard-binary.ts';
import { guardedCommand } from '../landlock/exec-guard-args.ts';

export type StdioMode = 'pipe' | 'inherit' | 'ignore' | number;

export interface LaunchOptions {
  extraBinds?: BindMount[];
  /** The whole environment of the agent (nothing of the runtime's leaks in). */
  env?: Record<string, string>;
  cwd?: string;
  /** fds 0, 1, 2 of the agent; default all 'pipe'. */
  stdio?: [StdioMode, StdioMode, StdioMode];
  seccomp?: SeccompOptions;
  bwrapPath?: string;
  runscPath?: string;
  /** Override cgroup detection (tests); default placement.ts hostCgroupPlacement(). */
  cgroupLayout?: CgroupLayout;
  /**
   * The operator accepted running agents whose resource limits cannot be
   * enforced here (no cgroup this process may create: an ordinary user on
   * cgroup v1 or without a delegated v2 subtree). Without it such a launch is
   * refused (E_SANDBOX_LIMITS_UNENFORCED). Namespaces, Landlock, seccomp and
   * the exec-guard apply either way.
   */
  acceptUnenforcedLimits?: boolean;
  /** Where the exec-guard helper is written (default: landlock/exec-guard-binary.ts defaultExecGuardDirs()). */
  execGuardDir?: string;
}

export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SandboxHandle {
  /** Host pid of the isolation tool (bwrap, or runsc which the join shell exec'd into). */
  pid: number;
  cgroup: AgentCgroup;
  /** Resolves once the process tree is gone and the cgroup removed. */
  exited: Promise<SandboxExit>;
  /** Kills every process of the sandbox (the whole cgroup), then waits for `exited`. */
  kill(): Promise<SandboxExit>;
  /** Freezes every process (cgroup freezer). */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  stdio: { stdin: Writable | null; stdout: Readable | null; stderr: Readable | null };
}

// gVisor tier: $1 = how many cgroup.procs files follow; then the files; then the command.
const JOIN_CGROUP_THEN_EXEC = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
export const CGROUP_JOIN_FAILED = 125;

function checkBind(bind: BindMount, field: string): void {
  if (!isAbsolute(bind.source) || !isAbsolute(bind.target) || normalize(bind.target) !== bind.target || bind.target === '/' || bind.target.includes('\0')) {
    throw new OctantError('E_SANDBOX_BIND', `${field}: source and target must be absolute, normalized paths other than / without NUL bytes (got ${JSON.stringify(bind.source)} -> ${JSON.stringify(bind.target)})`, { exit: EXIT.denied });
  }
  if (!existsSync(bind.source)) {
    throw new OctantError('E_SANDBOX_BIND', `${field}: source ${bind.source} does not exist`, { exit: EXIT.unavailable });
  }
  if (bind.mode !== 'ro' && bind.mode !== 'rw') {
    throw new OctantError('E_SANDBOX_BIND', `${field}.mode must be "ro" or "rw"`, { exit: EXIT.denied });
  }
  checkKernelInterfaces(bind, field);
}

/** The refusal of an agent whose resource limits cannot be enforced here. */
export function limitsUnenforced(reason: string, hint: string): OctantError {
  return new OctantError('E_SANDBOX_LIMITS_UNENFORCED', `resource limits cannot be enforced: ${reason}`, {
    exit: EXIT.denied,
    hint: `${hint}; or accept running agents without memory, pids and cpu limits: octant run --accept-unenforced-limits (octant up --accept-unenforced-limits, or services.agents.acceptUnenforcedLimits: true in octant.yaml)`,
  });
}

export function launchSandbox(policy: SandboxPolicy, command: string[], options: LaunchOptions = {}): SandboxHandle {
  const gvisor = policy.isolation === 'gvisor';

  // 1. The isolation tool must be there: without it we refuse to run at all.
  const tool = gvisor ? options.runscPath ?? '/usr/bin/runsc' : options.bwrapPath ?? '/usr/bin/bwrap';
  try {
    accessSync(tool, constants.X_OK);
  } catch {
    throw new OctantError(gvisor ? 'E_SANDBOX_RUNSC_MISSING' : 'E_SANDBOX_BWRAP_MISSING', `${tool} is not an executable`, {
      exit: EXIT.unavailable,
      hint: gvisor ? 'install the Debian package runsc' : 'install the Debian package bubblewrap',
    });
  }

  //    The gVisor tier runs runsc as root (gvisor.ts); without root it is refused, not weakened.
  if (gvisor && !switchesUser()) {
    throw new OctantError('E_SANDBOX_RUNSC_ROOT', 'the gVisor tier needs root: runsc and its cgroup are set up as root', { exit: EXIT.unavailable, hint: 'run octant as root for isolation: gvisor, or use the default tier' });
  }

  // 2. Only granted programs start, whatever path spelling the caller used.
  const granted = new Set(policy.executables.map((path) => (existsSync(path) ? realpathSync(path) : path)));
  if (command.length === 0 || !existsSync(command[0]) || !granted.has(realpathSync(command[0]))) {
    throw new OctantError('E_SANDBOX_EXEC', `command[0] ${JSON.stringify(command[0] ?? '')} is not one of policy.executables`, { exit: EXIT.denied });
  }

  // 3. Binds: absolute, normalized, existing sources; a bad one fails here,
  //    naming the entry, instead of as a bwrap message.
  policy.binds.forEach((bind, i) => checkBind(bind, `policy.binds[${i}]`));
  (options.extraBinds ?? []).forEach((bind, i) => checkBind(bind, `options.extraBinds[${i}]`));
  if (options.cwd !== undefined && (!isAbsolute(options.cwd) || options.cwd.includes('\0'))) {
    throw new OctantError('E_SANDBOX_ARGS', `options.cwd must be an absolute path without NUL bytes (got ${JSON.stringify(options.cwd)})`, { exit: EXIT.denied });
  }

  // 3b. The agent runs as its own unprivileged host uid, never 0: files it
  //    was not granted stay closed by ordinary permissions too. Run by root,
  //    we switch to it, so each bind is checked with that uid's eyes (bwrap,
  //    running as it, resolves every source path itself).
  checkUser(policy.user);
  if (switchesUser()) {
    policy.binds.forEach((bind, i) => checkBindAccess(bind, policy.user, `policy.binds[${i}]`, statSync(bind.source).isDirectory()));
    (options.extraBinds ?? []).forEach((bind, i) => checkBindAccess(bind, policy.user, `options.extraBinds[${i}]`, statSync(bind.source).isDirectory()));
  }

  // 4. The seccomp filter (bwrap tier) or its OCI translation (gVisor tier);
  //    compiled once per distinct policy (seccomp/filter-cache.ts).
  let filter: Buffer;
  try {
    filter = cachedSeccomp(policy, options.seccomp);
    if (gvisor) compileSeccompProgram(policy, options.seccomp);
  } catch (error) {
    throw new OctantError('E_SANDBOX_SECCOMP', `policy.syscalls: ${messageOf(error)}`, { exit: EXIT.denied, cause: error });
  }

  // 4b. bwrap tier: no Landlock, no agent (the helper would refuse too, but
  //     later and less clearly); the helper is written once per content.
  const guard = gvisor ? undefined : (requireLandlock(), execGuardPath(options.execGuardDir));

  // 5. The agent's cgroup with its limits (privileged: writes /sys/fs/cgroup).
  //    Once per process, cgroup joins are made cheap (favordynmods: no RCU
  //    grace period per join; cgroups/favor-dynmods.ts). Where that cannot be
  //    set, joins are slower, never weaker.
  //    Not root: only a subtree systemd delegated to this user can hold it
  //    (cgroups/placement.ts); without one the limits cannot be enforced and
  //    the agent is refused unless the operator accepted exactly that.
  const placement: CgroupPlacement = options.cgroupLayout !== undefined ? { enforced: true, layout: options.cgroupLayout, detail: 'given' } : hostCgroupPlacement();
  let unenforced: UnenforcedCgroup | undefined;
  let cgroup: AgentCgroup;
  if (placement.enforced) {
    if (switchesUser()) favorDynmodsOnce();
    cgroup = createCgroup(policy.id, policy.limits, placement.layout);
  } else if (options.acceptUnenforcedLimits === true) {
    unenforced = unenforcedCgroup(policy.id, placement.reason);
    cgroup = unenforced;
  } else {
    throw limitsUnenforced(placement.reason, placement.hint);
  }

  // 6. Spawn the isolation tool with the agent's environment only. bwrap
  //    gets its options later on fd 4 and the filter on fd 3.
  let argv: string[];
  let bwrapData: Buffer | undefined;
  let cleanupTier = (): void => {};
  try {
    if (gvisor) {
      const bundle = prepareGvisorBundle(policy, command, { extraBinds: options.extraBinds, env: options.env, cwd: options.cwd, system: hostSystemLayout(), seccomp: options.seccomp });
      argv = ['/bin/sh', '-c', JOIN_CGROUP_THEN_EXEC, 'octant-sandbox', String(cgroup.procsFiles.length), ...cgroup.procsFiles, tool, ...bundle.runscArgs];
      cleanupTier = bundle.cleanup;
    } else {
      const system = hostSystemLayout();
      bwrapData = encodeArgs(bwrapOptions(policy, { extraBinds: options.extraBinds, cwd: options.cwd, system, execGuard: guard }));
      argv = [tool, '--args', String(ARGS_FD), '--', ...guardedCommand(command, { policy, system, extraBinds: options.extraBinds, seccompFd: SECCOMP_FD })];
    }
  } catch (error) {
    cgroup.remove();
    throw error;
  }
  const stdio = options.stdio ?? ['pipe', 'pipe', 'pipe'];
  const child = spawn(argv[0], argv.slice(1), {
    env: options.env ?? { PATH: '/usr/bin:/bin' },
    stdio: gvisor ? [...stdio, 'ignore'] : [...stdio, 'pipe', 'pipe'],
    // bwrap starts as the agent (libuv drops the supplementary groups, then
    // sets gid and uid before exec): unprivileged, it creates the user
    // namespace itself and maps only that uid, so no process of the sandbox
    // is host root. The gVisor tier's join shell and runsc stay root (runsc
    // needs it for its own sandboxing); its agent process gets the uid
    // through the bundle (gvisor.ts).
    ...(!gvisor && switchesUser() ? { uid: policy.user.uid, gid: policy.user.gid } : {}),
  });
  if (child.pid === undefined) {
    child.on('error', () => {}); // reported by the throw below
    cleanupTier();
    cgroup.remove();
    throw new OctantError('E_SANDBOX_SPAWN', `cannot spawn ${argv[0]} for ${tool}`, { exit: EXIT.unavailable });
  }

  // 7. bwrap tier: bwrap is still one process blocked reading fd 4, so it
  //    joins the cgroup before it exists as a sandbox; only then does it get
  //    its options. A refused join kills it before it reads a single option.
  //    A write error on the pipes means bwrap already died: `exited` says so.
  if (bwrapData !== undefined) {
    try {
      cgroup.join(child.pid);
    } catch (error) {
      child.kill('SIGKILL');
      // The group can go once the process that partly joined it is reaped; if
      // it cannot, the next launch with this id is refused as "already exists".
      child.once('exit', () => {
        try {
          cgroup.remove();
        } catch { /* left for the operator, named by that refusal */ }
      });
      throw error;
    }
    const argsPipe = child.stdio[ARGS_FD] as Writable;
    argsPipe.on('error', () => {});
    argsPipe.end(bwrapData);
    // 8. The filter; the exec-guard reads fd 3 to EOF and installs it last.
    const seccompPipe = child.stdio[SECCOMP_FD] as Writable;
    seccompPipe.on('error', () => {});
    seccompPipe.end(filter);
  }

  // On exit: kill whatever is left in the cgroup (a daemonized grandchild
  // cannot outlive its agent), remove the group and the tier's files.
  const exited = new Promise<SandboxExit>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      unenforced?.reaped();
      cgroup.kill()
        .then(() => cgroup.remove())
        .then(() => cleanupTier())
        .then(() => resolve({ code, signal }), reject);
    });
  });
  return {
    pid: child.pid,
    cgroup,
    exited,
    async kill() {
      await cgroup.kill(child.pid);
      return exited;
    },
    suspend: () => cgroup.freeze(),
    resume: () => cgroup.thaw(),
    stdio: { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr },
  };
}
