// The sandbox launcher: one straight-line function, each privileged step
// commented and failing with its own error code (ARCHITECTURE.md).
//
//   1. find the isolation tool        E_SANDBOX_BWRAP_MISSING / E_SANDBOX_RUNSC_MISSING
//   2. the command must be granted    E_SANDBOX_EXEC
//   3. every bind must be sound       E_SANDBOX_BIND
//   4. compile the seccomp filter     E_SANDBOX_SECCOMP
//   5. create the agent's cgroup      E_SANDBOX_CGROUP
//   6. spawn: a shell joins the cgroup, then execs bwrap (or runsc)
//                                     E_SANDBOX_SPAWN; exit 125 = could not join
//   7. hand the filter over on fd 3
//
// The process is in its cgroup before it execs anything: the wrapper shell
// writes its own pid ($$) into every cgroup.procs and only then execs the
// isolation tool, so bwrap, the agent and all their children are born inside
// the limits. Writing the pid from here after spawn() would race with bwrap's
// first fork.

import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { OctantError, EXIT, messageOf } from '../../lib/errors.ts';
import type { BindMount, SandboxPolicy } from '../sandbox-policy.ts';
import { compileSeccomp, compileSeccompProgram } from '../seccomp/compiler.ts';
import type { SeccompOptions } from '../seccomp/compiler.ts';
import { createCgroup } from '../cgroups/index.ts';
import type { AgentCgroup, CgroupLayout } from '../cgroups/index.ts';
import { bwrapArgs, SECCOMP_FD } from './bwrap-args.ts';
import { hostSystemLayout } from './system-layout.ts';
import { prepareGvisorBundle } from './gvisor.ts';

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
  /** Override cgroup detection (tests); default detectCgroups(). */
  cgroupLayout?: CgroupLayout;
}

export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SandboxHandle {
  /** Host pid of the isolation tool (bwrap or runsc) the wrapper exec'd into. */
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

// $1 = how many cgroup.procs files follow; then the files; then the command.
const JOIN_CGROUP_THEN_EXEC = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
export const CGROUP_JOIN_FAILED = 125;

function checkBind(bind: BindMount, field: string): void {
  if (!isAbsolute(bind.source) || !isAbsolute(bind.target) || normalize(bind.target) !== bind.target || bind.target === '/') {
    throw new OctantError('E_SANDBOX_BIND', `${field}: source and target must be absolute, normalized paths other than / (got ${bind.source} -> ${bind.target})`, { exit: EXIT.denied });
  }
  if (!existsSync(bind.source)) {
    throw new OctantError('E_SANDBOX_BIND', `${field}: source ${bind.source} does not exist`, { exit: EXIT.unavailable });
  }
  if (bind.mode !== 'ro' && bind.mode !== 'rw') {
    throw new OctantError('E_SANDBOX_BIND', `${field}.mode must be "ro" or "rw"`, { exit: EXIT.denied });
  }
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

  // 2. Only granted programs start, whatever path spelling the caller used.
  const granted = new Set(policy.executables.map((path) => (existsSync(path) ? realpathSync(path) : path)));
  if (command.length === 0 || !existsSync(command[0]) || !granted.has(realpathSync(command[0]))) {
    throw new OctantError('E_SANDBOX_EXEC', `command[0] ${JSON.stringify(command[0] ?? '')} is not one of policy.executables`, { exit: EXIT.denied });
  }

  // 3. Binds: absolute, normalized, existing sources; a bad one fails here,
  //    naming the entry, instead of as a bwrap message.
  policy.binds.forEach((bind, i) => checkBind(bind, `policy.binds[${i}]`));
  (options.extraBinds ?? []).forEach((bind, i) => checkBind(bind, `options.extraBinds[${i}]`));

  // 4. The seccomp filter (bwrap tier) or its OCI translation (gVisor tier).
  let filter: Buffer;
  try {
    filter = compileSeccomp(policy, options.seccomp);
    if (gvisor) compileSeccompProgram(policy, options.seccomp);
  } catch (error) {
    throw new OctantError('E_SANDBOX_SECCOMP', `policy.syscalls: ${messageOf(error)}`, { exit: EXIT.denied, cause: error });
  }

  // 5. The agent's cgroup with its limits (privileged: writes /sys/fs/cgroup).
  const cgroup = createCgroup(policy.id, policy.limits, options.cgroupLayout);

  // 6. Spawn. The shell joins the cgroup, then execs the isolation tool with
  //    the agent's environment only; fd 3 carries the filter to bwrap.
  let argv: string[];
  let cleanupTier = (): void => {};
  try {
    if (gvisor) {
      const bundle = prepareGvisorBundle(policy, command, { extraBinds: options.extraBinds, env: options.env, cwd: options.cwd, system: hostSystemLayout(), seccomp: options.seccomp });
      argv = [tool, ...bundle.runscArgs];
      cleanupTier = bundle.cleanup;
    } else {
      argv = [tool, ...bwrapArgs(policy, command, { extraBinds: options.extraBinds, cwd: options.cwd, system: hostSystemLayout() })];
    }
  } catch (error) {
    cgroup.remove();
    throw error;
  }
  const stdio = options.stdio ?? ['pipe', 'pipe', 'pipe'];
  const child = spawn('/bin/sh', ['-c', JOIN_CGROUP_THEN_EXEC, 'octant-sandbox', String(cgroup.procsFiles.length), ...cgroup.procsFiles, ...argv], {
    env: options.env ?? { PATH: '/usr/bin:/bin' },
    stdio: [...stdio, gvisor ? 'ignore' : 'pipe'],
  });
  if (child.pid === undefined) {
    cleanupTier();
    cgroup.remove();
    throw new OctantError('E_SANDBOX_SPAWN', `cannot spawn /bin/sh for ${tool}`, { exit: EXIT.unavailable });
  }

  // 7. Hand the filter over; bwrap reads fd 3 to EOF before it execs the agent.
  //    A write error means bwrap already died: `exited` reports that.
  if (!gvisor) {
    const seccompPipe = child.stdio[SECCOMP_FD] as Writable;
    seccompPipe.on('error', () => {});
    seccompPipe.end(filter);
  }

  // On exit: kill whatever is left in the cgroup (a daemonized grandchild
  // cannot outlive its agent), remove the group and the tier's files.
  const exited = new Promise<SandboxExit>((resolve, reject) => {
    child.on('exit', (code, signal) => {
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
