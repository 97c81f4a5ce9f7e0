// Probes for escape tests: python3 code run inside a real sandbox, printing
// one JSON line (emit) that the test reads back. `sandboxProbe` goes through
// the launcher like an agent; `layeredProbe` starts bwrap directly with mounts
// and exec-guard rules chosen separately, so a test can break one layer and
// show the other still holds.

import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { launchSandbox } from '../../src/kernel/sandbox/launch.ts';
import type { SandboxPolicy } from '../../src/kernel/sandbox-policy.ts';
import { bwrapArgs, SECCOMP_FD } from '../../src/kernel/sandbox/bwrap-args.ts';
import { hostSystemLayout } from '../../src/kernel/sandbox/system-layout.ts';
import { compileSeccomp } from '../../src/kernel/seccomp/compiler.ts';
import { SYSCALLS_X86_64 } from '../../src/kernel/seccomp/syscall-table.ts';
import { execGuardPath } from '../../src/kernel/landlock/exec-guard-binary.ts';
import { EXEC_GUARD_TARGET, execGuardArgs } from '../../src/kernel/landlock/exec-guard-args.ts';

export const PYTHON = '/usr/bin/python3';

// Raw syscalls through libc's syscall(), errno names, a run() for programs.
export const PRELUDE = `
import ctypes, errno, json, os, shutil, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = json.loads(sys.argv[1])
def emit(value):
    print(json.dumps(value), flush=True)
def code(e): return errno.errorcode.get(e.errno, str(e))
def run(argv, **kw):
    try: return subprocess.run(argv, capture_output=True, timeout=20, **kw).returncode
    except OSError as e: return code(e)
def executable_copy(src, dst):
    shutil.copy(src, dst); os.chmod(dst, 0o755); return dst
`;

export interface ProbeResult {
  code: number | null;
  out: Record<string, unknown>;
  stderr: string;
}

function collect(stdout: NodeJS.ReadableStream | null, stderr: NodeJS.ReadableStream | null, exited: Promise<number | null>): Promise<ProbeResult> {
  let out = '';
  let err = '';
  stdout?.on('data', (chunk: Buffer) => (out += chunk));
  stderr?.on('data', (chunk: Buffer) => (err += chunk));
  return exited.then((code) => {
    const last = out.trim().split('\n').pop() ?? '';
    try {
      return { code, out: JSON.parse(last) as Record<string, unknown>, stderr: err };
    } catch {
      return { code, out: { unparsed: out }, stderr: err };
    }
  });
}

function pythonCommand(code: string): string[] {
  return [PYTHON, '-S', '-c', PRELUDE + code, JSON.stringify(SYSCALLS_X86_64)];
}

const ENV = { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' };

/** Runs the probe as an agent: launchSandbox with the whole default tier. */
export function sandboxProbe(policy: SandboxPolicy, code: string): Promise<ProbeResult> {
  const handle = launchSandbox(policy, pythonCommand(code), { env: ENV });
  handle.stdio.stdin?.end();
  return collect(handle.stdio.stdout, handle.stdio.stderr, handle.exited.then((e) => e.code));
}

export interface Layers {
  /** Mounts as bwrap builds them from this policy (e.g. with a wrong extra bind). */
  mounts: SandboxPolicy;
  /** Landlock rules and noexec mounts as the exec-guard derives them from this policy. */
  rules: SandboxPolicy;
  /** Exec-guard options added before the derived ones (e.g. a wider rule). */
  extraRules?: string[];
  /** Leave out the noexec step (-n, -N), to test Landlock's exec check alone. */
  noNoexec?: boolean;
}

/** Starts bwrap directly (no cgroup) with mounts and rules chosen separately, as the agent's uid like the launcher. */
export function layeredProbe(layers: Layers, code: string): Promise<ProbeResult> {
  const system = hostSystemLayout();
  let rules = execGuardArgs({ policy: layers.rules, system, seccompFd: SECCOMP_FD });
  const noexec = (arg: string | undefined): boolean => arg === '-n' || arg === '-N';
  if (layers.noNoexec) rules = rules.filter((arg, i) => !noexec(arg) && !noexec(rules[i - 1]));
  const command = [EXEC_GUARD_TARGET, ...(layers.extraRules ?? []), ...rules, ...pythonCommand(code)];
  const args = bwrapArgs(layers.mounts, command, { system, execGuard: execGuardPath() });
  const ids = process.geteuid?.() === 0 ? { uid: layers.mounts.user.uid, gid: layers.mounts.user.gid } : {};
  const child = spawn('/usr/bin/bwrap', args, { env: ENV, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], ...ids });
  (child.stdio[SECCOMP_FD] as Writable).end(compileSeccomp(layers.rules));
  return collect(child.stdout, child.stderr, new Promise((resolve) => child.on('exit', (code) => resolve(code))));
}
