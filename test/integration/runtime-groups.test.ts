// Common runtimes start with the syscall groups docs/manifests.md recommends,
// in real sandboxes of both tiers, each with a twin that shows the group
// matters (without it the same program fails):
//   python3: @base @file-read            (+ @process-spawn for threads and subprocess)
//   node:    @base @file-read @process-spawn    (threads are clones)
//   sh:      @base @file-read @process-spawn    (every command is a fork)
// and what @base's ioctl:harmless allows and refuses, seen from CPython.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { launchSandbox } from '../../src/kernel/sandbox/launch.ts';
import type { SandboxPolicy } from '../../src/kernel/sandbox-policy.ts';
import { syscallGroups } from '../../src/agent/manifest/syscall-groups.ts';
import { TEST_AGENT } from '../support/agent-user.ts';

const NODE = '/usr/bin/node';
const PYTHON = '/usr/bin/python3';
const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap']).stdout.toString().trim() !== '';
const skip = process.getuid?.() !== 0 ? 'needs root (sandboxes and cgroups)' : !hasBwrap ? 'bwrap is not installed'
  : ![NODE, PYTHON, '/bin/sh'].every(existsSync) ? `one of ${NODE}, ${PYTHON}, /bin/sh is missing` : false;
if (skip) console.log(`# skipping the runtime groups suite: ${skip}`);
const gvisorSkip = skip || (existsSync('/usr/bin/runsc') ? false : '/usr/bin/runsc is missing (install runsc)');

function groups(...names: string[]): string[] {
  return [...new Set(names.flatMap((g) => [...(syscallGroups().get(g) ?? [])]))];
}

/**
 * Runs `command` in a sandbox of `tier` with `syscalls`. stdout and stderr are
 * files, as the lifecycle gives an agent (a 'pipe' from Node's spawn is a
 * socketpair, which libuv inside would probe with @network-client calls).
 */
async function start(tier: SandboxPolicy['isolation'], syscalls: string[], command: string[], also: string[] = []): Promise<{ code: number | null; out: string; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'octant-groups-'));
  const stdout = openSync(join(dir, 'out'), 'a', 0o600);
  const stderr = openSync(join(dir, 'err'), 'a', 0o600);
  try {
    const handle = launchSandbox({
      id: `groups-${randomBytes(5).toString('hex')}`, binds: [], executables: [command[0], ...also], syscalls, inet: false,
      // gVisor's Sentry and gofer share the cgroup with the program: roomier limits.
      limits: { memoryBytes: 1 << 30, pids: 512, cpu: 1 }, network: [], credentials: [], ttlSeconds: null, tmpBytes: 1 << 20, isolation: tier, user: TEST_AGENT,
    }, command, { env: { PATH: '/usr/bin:/bin' }, cwd: '/tmp', stdio: ['ignore', stdout, stderr] });
    const exit = await handle.exited;
    return { code: exit.code, out: readFileSync(join(dir, 'out'), 'utf8'), err: readFileSync(join(dir, 'err'), 'utf8') };
  } finally {
    closeSync(stdout);
    closeSync(stderr);
    rmSync(dir, { recursive: true, force: true });
  }
}

const PY_START = 'import os, sys; os.set_inheritable(1, True); os.set_inheritable(1, False); print("py", sys.stdout.isatty())';
const PY_THREADS = 'import subprocess, threading; t = threading.Thread(target=print, args=("thread",)); t.start(); t.join(); print(subprocess.run(["/bin/echo", "child"], capture_output=True).stdout.decode().strip())';
const NODE_START = 'console.log(require("child_process").execFileSync("/bin/echo", ["child"]).toString().trim()); setTimeout(() => console.log("timer"), 5)';
const SH = 'echo one | cat; /bin/true && echo two';
// What the probes run besides the interpreter: only granted programs execute (Landlock).
const CHILDREN = ['/usr/bin/echo', '/usr/bin/cat', '/usr/bin/true'];

for (const tier of ['namespaces', 'gvisor'] as const) {
  const skipped = tier === 'gvisor' ? gvisorSkip : skip;

  test(`${tier}: python3 starts with @base @file-read (os.set_inheritable is FIOCLEX, isatty is TCGETS); twin: threads and subprocess need @process-spawn`, { skip: skipped }, async () => {
    const started = await start(tier, groups('base', 'file-read'), [PYTHON, '-c', PY_START]);
    assert.equal(started.code, 0, started.err);
    assert.equal(started.out.trim(), 'py False');
    const threads = await start(tier, groups('base', 'file-read', 'process-spawn'), [PYTHON, '-c', PY_THREADS], CHILDREN);
    assert.equal(threads.code, 0, threads.err);
    assert.equal(threads.out.trim(), 'thread\nchild');
    const without = await start(tier, groups('base', 'file-read'), [PYTHON, '-c', PY_THREADS]);
    assert.notEqual(without.code, 0);
    assert.match(without.err, /can't start new thread|Operation not permitted/);
  });

  test(`${tier}: node starts (and runs a child) with @base @file-read @process-spawn; twin: without @process-spawn it cannot start`, { skip: skipped }, async () => {
    const started = await start(tier, groups('base', 'file-read', 'process-spawn'), [NODE, '-e', NODE_START], CHILDREN);
    assert.equal(started.code, 0, started.err);
    assert.equal(started.out.trim(), 'child\ntimer');
    const without = await start(tier, groups('base', 'file-read'), [NODE, '-e', 'console.log("x")']);
    assert.notEqual(without.code, 0);
    assert.equal(without.out, '');
  });

  test(`${tier}: sh runs a pipeline and a command with @base @file-read @process-spawn; twin: without it, only builtins`, { skip: skipped }, async () => {
    const started = await start(tier, groups('base', 'file-read', 'process-spawn'), ['/bin/sh', '-c', SH], CHILDREN);
    assert.equal(started.code, 0, started.err);
    assert.equal(started.out, 'one\ntwo\n');
    const without = await start(tier, groups('base', 'file-read'), ['/bin/sh', '-c', `echo builtin; ${SH}`], CHILDREN);
    assert.notEqual(without.code, 0);
    assert.equal(without.out, 'builtin\n');
  });
}

test('namespaces: ioctl:harmless lets CPython read and set its own descriptors, refuses terminal setters and injection; twin: the full ioctl (@terminal) allows a setter', { skip }, async () => {
  const probe = `
import ctypes, errno, fcntl, os, struct, termios
libc = ctypes.CDLL(None, use_errno=True)
def ioctl(fd, req, arg=0):
    ctypes.set_errno(0)
    return 'OK' if libc.ioctl(fd, ctypes.c_ulong(req), ctypes.c_void_p(arg)) == 0 else errno.errorcode[ctypes.get_errno()]
r, w = os.pipe()
n = ctypes.c_int(1)
print(ioctl(r, termios.FIONBIO, ctypes.addressof(n)), ioctl(r, termios.FIONREAD, ctypes.addressof(n)), ioctl(r, termios.TCGETS, 0), ioctl(r, 0x5412, ctypes.addressof(n)), ioctl(r, termios.TCSETS, 0), ioctl(r, 0x5452, ctypes.addressof(n)))`;
  const harmless = await start('namespaces', groups('base', 'file-read'), [PYTHON, '-c', probe]);
  assert.equal(harmless.code, 0, harmless.err);
  // FIONBIO and FIONREAD work; TCGETS reaches the kernel (ENOTTY: a pipe is no tty); TIOCSTI, TCSETS, FIOASYNC are refused.
  assert.equal(harmless.out.trim(), 'OK OK ENOTTY EPERM EPERM EPERM');
  const full = await start('namespaces', groups('base', 'file-read', 'terminal'), [PYTHON, '-c', probe]);
  assert.equal(full.code, 0, full.err);
  assert.equal(full.out.trim(), 'OK OK ENOTTY EPERM ENOTTY OK', 'TIOCSTI stays refused even with the full grant');
});

test('gvisor: clone3 reaches the Sentry and answers ENOSYS (so glibc falls back to clone, whose flags are checked); a new user namespace stays refused', { skip: gvisorSkip }, async () => {
  const probe = `
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
def sc(nr, *a):
    ctypes.set_errno(0)
    return 'OK' if libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(x) for x in a]) >= 0 else errno.errorcode[ctypes.get_errno()]
print(sc(435, 0, 0), sc(56, 0x10000000 | 17, 0, 0, 0, 0))`;
  const result = await start('gvisor', groups('base', 'file-read', 'process-spawn'), [PYTHON, '-c', probe]);
  assert.equal(result.code, 0, result.err);
  assert.equal(result.out.trim(), 'ENOSYS EPERM');
});
