// The escape suite, part two: exec control and the Landlock filesystem layer
// (docs/isolation.md, "Exec control and Landlock"). Real sandboxes, python3
// probes, each refusal with a working twin. The last tests break one layer on
// purpose (a wrong bind; rules that are too wide; no noexec) and show the
// other layer still refuses.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { release } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { SandboxPolicy } from '../../src/kernel/sandbox-policy.ts';
import { SYSCALLS_X86_64 } from '../../src/kernel/seccomp/syscall-table.ts';
import { layeredProbe, PYTHON, sandboxProbe } from '../support/sandbox-probe.ts';
import { TEST_AGENT, readableForAgent, writableForAgent } from '../support/agent-user.ts';

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (bubblewrap namespaces and cgroups)';
  for (const tool of ['/usr/bin/bwrap', PYTHON, '/usr/bin/id']) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      return `${tool} is missing`;
    }
  }
  return false;
}
const skip = skipReason();
if (skip) console.log(`# skipping the exec-control escape suite: ${skip}`);

let root: string;
let granted: string;
let writable: string;
let secret: string;

before(() => {
  if (skip) return;
  // Not below /tmp: inside, a bind below /tmp would sit below the sandbox's
  // own /tmp, whose Landlock rule covers everything beneath it.
  // The agent's uid must pass through the root and write the rw grant; the
  // secret is writable for it too, so only Landlock can refuse it when a
  // wrong bind exposes it.
  root = readableForAgent(mkdtempSync(join('/var/tmp', 'octant-escape-exec-')));
  granted = join(root, 'granted');
  writable = join(root, 'writable');
  secret = join(root, 'secret');
  for (const dir of [granted, writable, secret]) mkdirSync(dir);
  writableForAgent(writable);
  writableForAgent(secret);
  writeFileSync(join(granted, 'hello.txt'), 'granted content');
  writeFileSync(join(secret, 'key.txt'), 'host secret');
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function policy(overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return {
    id: `escape-exec-${randomBytes(6).toString('hex')}`,
    binds: [
      { source: granted, target: granted, mode: 'ro' },
      { source: writable, target: writable, mode: 'rw' },
    ],
    executables: [PYTHON],
    // The widest policy a manifest could ask for (the deny list still applies).
    syscalls: Object.keys(SYSCALLS_X86_64),
    inet: false,
    limits: { memoryBytes: 128 << 20, pids: 32, cpu: 1 },
    network: [],
    credentials: [],
    ttlSeconds: null,
    tmpBytes: 16 << 20,
    isolation: 'namespaces',
    user: TEST_AGENT,
    ...overrides,
  };
}

test('exec: a program outside policy.executables does not start, nor does a copy written to /tmp or a write grant; twin: the granted python3 starts again', { skip }, async () => {
  const { out, stderr } = await sandboxProbe(policy(), `
emit({'id': run(['/usr/bin/id']), 'sh': run(['/bin/sh', '-c', 'true']),
      'tmp': run([executable_copy('/usr/bin/id', '/tmp/id')]),
      'rw': run([executable_copy('/usr/bin/id', '${writable}/id')]),
      'shm': run([executable_copy('/usr/bin/id', '/dev/shm/id')]),
      'loader': run(['/lib64/ld-linux-x86-64.so.2', '/tmp/id']),
      'python': run([sys.executable, '-S', '-c', 'import sys; sys.exit(7)'])})`);
  assert.equal(out.id, 'EACCES', stderr);
  assert.equal(out.sh, 'EACCES');
  assert.equal(out.tmp, 'EACCES');
  assert.equal(out.rw, 'EACCES');
  assert.equal(out.shm, 'EACCES');
  assert.notEqual(out.loader, 0, 'the loader cannot map a written file executable either');
  assert.equal(out.python, 7);
});

test('exec: with an empty exec list nothing but the command itself starts; twins: a granted sh, a granted directory of programs', { skip }, async () => {
  // The command is python3, so it is granted; sh is granted only in the twin.
  const none = await sandboxProbe(policy(), `emit({'sh': run(['/bin/sh', '-c', 'exit 3'])})`);
  assert.equal(none.out.sh, 'EACCES', none.stderr);
  const withSh = await sandboxProbe(policy({ executables: [PYTHON, '/bin/sh'] }), `emit({'sh': run(['/bin/sh', '-c', 'exit 3'])})`);
  assert.equal(withSh.out.sh, 3, withSh.stderr);
  // A directory of programs: everything in it starts, with the host's loader.
  const withDir = await sandboxProbe(policy({ executables: [PYTHON, '/usr/bin'] }), `emit({'id': run(['/usr/bin/id']), 'tmp': run([executable_copy('/usr/bin/id', '/tmp/id')])})`);
  assert.deepEqual(withDir.out, { id: 0, tmp: 'EACCES' }, withDir.stderr);
});

test('exec: a granted program bound read-only below /tmp runs; a written copy beside it does not', { skip }, async () => {
  const bin = join(root, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  copyFileSync('/usr/bin/id', join(bin, 'id'));
  chmodSync(join(bin, 'id'), 0o755);
  const { out, stderr } = await sandboxProbe(policy({
    binds: [...policy().binds, { source: bin, target: '/tmp/bin', mode: 'ro' }],
    executables: [PYTHON, '/tmp/bin/id'],
  }), `emit({'granted': run(['/tmp/bin/id']), 'written': run([executable_copy('/tmp/bin/id', '/tmp/id')])})`);
  assert.deepEqual(out, { granted: 0, written: 'EACCES' }, stderr);
});

test('exec: a written file cannot be mapped or mprotect\'ed executable; twin: a system file can', { skip }, async () => {
  const { out, stderr } = await sandboxProbe(policy(), `
import mmap
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
def mapx(p):
    try:
        with open(p, 'rb') as f: mmap.mmap(f.fileno(), 4096, prot=mmap.PROT_READ | mmap.PROT_EXEC)
        return 'OK'
    except OSError as e: return code(e)
def mprotect(p):
    with open(p, 'rb') as f:
        addr = libc.mmap(None, 4096, mmap.PROT_READ, mmap.MAP_PRIVATE, f.fileno(), 0)
    ctypes.set_errno(0)
    return 'OK' if libc.mprotect(addr, 4096, mmap.PROT_READ | mmap.PROT_EXEC) == 0 else errno.errorcode[ctypes.get_errno()]
for p in ['/tmp/x', '${writable}/x', '/dev/shm/x']: shutil.copy('/usr/bin/id', p)
emit({'tmp': mapx('/tmp/x'), 'rw': mapx('${writable}/x'), 'shm': mapx('/dev/shm/x'), 'mprotect': mprotect('/tmp/x'),
      'usr': mapx('/usr/bin/id'), 'usrMprotect': mprotect('/usr/bin/id')})`);
  assert.deepEqual(out, { tmp: 'EPERM', rw: 'EPERM', shm: 'EPERM', mprotect: 'EACCES', usr: 'OK', usrMprotect: 'OK' }, stderr);
});

// MFD_NOEXEC_SEAL exists since Linux 6.3; before, the filter leaves no way to make a memfd at all.
const [major, minor] = release().split('.').map(Number);
const memfdSkip = skip || (major > 6 || (major === 6 && minor >= 3) ? false : `Linux ${release()} has no MFD_NOEXEC_SEAL (6.3+)`);

test('exec: code in a memfd does not run (execveat, /proc/self/fd); twin: a sealed memfd works as memory', { skip: memfdSkip }, async () => {
  const { out, stderr } = await sandboxProbe(policy(), `
libc.memfd_create.argtypes = [ctypes.c_char_p, ctypes.c_uint]
def memfd(flags):
    ctypes.set_errno(0)
    fd = libc.memfd_create(b'x', flags)
    return fd if fd >= 0 else errno.errorcode[ctypes.get_errno()]
MFD_CLOEXEC, MFD_NOEXEC_SEAL, MFD_EXEC = 1, 8, 0x10
res = {'plain': memfd(0), 'exec': memfd(MFD_EXEC)}
fd = memfd(MFD_NOEXEC_SEAL)
program = open('/usr/bin/id', 'rb').read()
os.write(fd, program)
res['memory'] = os.pread(fd, 4, 0) == program[:4]
pid = os.fork()
if pid == 0:
    try: os.execve(fd, ['id'], {})
    except OSError as e: os._exit(e.errno)
    os._exit(0)
status = os.waitpid(pid, 0)[1] >> 8
res['execveat'] = errno.errorcode.get(status, status)
res['procfd'] = run(['/proc/self/fd/%d' % fd], pass_fds=[fd])
res['chmod'] = 'OK'
try: os.fchmod(fd, 0o755)
except OSError as e: res['chmod'] = code(e)
emit(res)`);
  assert.equal(out.plain, 'EPERM', stderr);
  assert.equal(out.exec, 'EPERM');
  assert.equal(out.memory, true);
  assert.equal(out.execveat, 'EACCES');
  assert.equal(out.procfd, 'EACCES');
  assert.equal(out.chmod, 'EPERM', 'F_SEAL_EXEC: the execute bits can never come back');
});

test('Landlock: /proc is read-only to the agent and / cannot be listed; twin: /proc/self reads', { skip }, async () => {
  const { out, stderr } = await sandboxProbe(policy(), `
def write(p):
    try:
        with open(p, 'w') as f: f.write('1')
        return 'OK'
    except OSError as e: return code(e)
def listdir(p):
    try: return len(os.listdir(p))
    except OSError as e: return code(e)
emit({'coreP': write('/proc/sys/kernel/core_pattern'), 'comm': write('/proc/self/comm'), 'root': listdir('/'),
      'status': open('/proc/self/status').read().startswith('Name:')})`);
  // core_pattern: the read-only /proc/sys mount answers first (EROFS); /proc/self is writable as a mount, Landlock refuses.
  assert.notEqual(out.coreP, 'OK', stderr);
  assert.equal(out.comm, 'EACCES');
  assert.equal(out.root, 'EACCES');
  assert.equal(out.status, true);
});

const READ_WRITE = `
def read(p):
    try: return open(p).read()
    except OSError as e: return code(e)
def write(p):
    try:
        with open(p, 'w') as f: f.write('x')
        return 'OK'
    except OSError as e: return code(e)
`;

test('layers: a wrong extra bind opens the mount, Landlock still refuses it; twin: the granted files work', { skip }, async () => {
  const right = policy();
  const wrong = { ...right, binds: [...right.binds, { source: secret, target: secret, mode: 'rw' as const }] };
  const { out, stderr } = await layeredProbe({ mounts: wrong, rules: right }, `${READ_WRITE}
emit({'mounted': os.path.isdir('${secret}'), 'read': read('${secret}/key.txt'), 'write': write('${secret}/new'),
      'granted': read('${granted}/hello.txt'), 'rw': write('${writable}/ok')})`);
  assert.equal(out.mounted, true, `the bind really is there: ${stderr}`);
  assert.equal(out.read, 'EACCES');
  assert.equal(out.write, 'EACCES');
  assert.equal(out.granted, 'granted content');
  assert.equal(out.rw, 'OK');
});

test('layers: Landlock rules made wider (write and execute everywhere), the mounts still refuse; twin: the rw grant writes', { skip }, async () => {
  const { out, stderr } = await layeredProbe({ mounts: policy(), rules: policy(), extraRules: ['-w', '/', '-x', '/'] }, `${READ_WRITE}
emit({'secret': read('${secret}/key.txt'), 'ro': write('${granted}/new'), 'usr': write('/usr/x'),
      'tmp': run([executable_copy('/usr/bin/id', '/tmp/id')]), 'rw': write('${writable}/ok2')})`);
  assert.equal(out.secret, 'ENOENT', stderr);
  assert.equal(out.ro, 'EROFS');
  assert.equal(out.usr, 'EROFS');
  assert.equal(out.tmp, 'EACCES', 'noexec alone refuses the written program');
  assert.equal(out.rw, 'OK');
});

test('layers: without noexec, Landlock alone refuses to execute a written program; twin: the granted python3 runs', { skip }, async () => {
  const { out, stderr } = await layeredProbe({ mounts: policy(), rules: policy(), noNoexec: true }, `
emit({'tmp': run([executable_copy('/usr/bin/id', '/tmp/id')]), 'python': run([sys.executable, '-S', '-c', 'pass'])})`);
  assert.equal(out.tmp, 'EACCES', stderr);
  assert.equal(out.python, 0);
});


const gvisorSkip = skip || (existsSync('/usr/bin/runsc') ? false : '/usr/bin/runsc is missing (install runsc)');

test('gVisor tier: written files do not execute (noexec writable mounts); twin: the granted python3 starts', { skip: gvisorSkip }, async () => {
  const { out, stderr } = await sandboxProbe(policy({ isolation: 'gvisor', limits: { pids: 256, memoryBytes: 512 << 20 } }), `
emit({'tmp': run([executable_copy('/usr/bin/id', '/tmp/id')]), 'rw': run([executable_copy('/usr/bin/id', '${writable}/id')]),
      'python': run([sys.executable, '-S', '-c', 'import sys; sys.exit(7)'])})`);
  assert.equal(out.tmp, 'EACCES', stderr);
  assert.equal(out.rw, 'EACCES');
  assert.equal(out.python, 7);
});

test('gVisor tier: a program of the system tree that processes.exec does not list does not run; twin: the granted one does', { skip: gvisorSkip }, async () => {
  const { out, stderr } = await sandboxProbe(policy({ isolation: 'gvisor', limits: { pids: 256, memoryBytes: 512 << 20 } }), `
emit({'id': run(['/usr/bin/id']), 'sh': run(['/bin/sh', '-c', 'exit 3']),
      'python': run([sys.executable, '-S', '-c', 'import sys; sys.exit(7)'])})`);
  assert.equal(out.id, 'EACCES', stderr);
  assert.equal(out.sh, 'EACCES');
  assert.equal(out.python, 7);
});
