// The escape suite: real sandboxes, real probes. Each probe is something an
// agent must not be able to do, run by python3 (ctypes syscall()) inside a
// bubblewrap sandbox built from a test policy; each has a positive twin that
// proves the granted action still works, so a probe cannot pass just because
// the sandbox is broken. See docs/isolation.md "The escape suite".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { launchSandbox } from '../../src/kernel/sandbox/launch.ts';
import type { SandboxExit } from '../../src/kernel/sandbox/launch.ts';
import type { SandboxPolicy } from '../../src/kernel/sandbox-policy.ts';
import { SYSCALLS_X86_64 } from '../../src/kernel/seccomp/syscall-table.ts';
import { spawnSync } from 'node:child_process';
import { hostProcLayout } from '../../src/kernel/sandbox/kernel-interfaces.ts';
import { TEST_AGENT, readableForAgent, writableForAgent } from '../support/agent-user.ts';

const PYTHON = '/usr/bin/python3';

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'the escape suite needs root (bubblewrap namespaces and cgroups)';
  for (const tool of ['/usr/bin/bwrap', PYTHON]) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      return `${tool} is missing (install ${tool.endsWith('bwrap') ? 'bubblewrap' : 'python3'})`;
    }
  }
  return false;
}
const skip = skipReason();
if (skip) console.log(`# skipping the escape suite: ${skip}`);

// Shared by every probe: raw syscalls through libc's syscall(), errno names.
const PRELUDE = `
import ctypes, errno, json, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = json.loads(sys.argv[1])
def sc(name, *args):
    nr = NR[name] if isinstance(name, str) else name
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    return errno.errorcode.get(ctypes.get_errno(), 'OK') if r == -1 else 'OK'
def emit(value):
    print(json.dumps(value), flush=True)
def read(p):
    try: return open(p).read()
    except OSError as e: return errno.errorcode[e.errno]
def write(p, text='x'):
    try:
        with open(p, 'w') as f: f.write(text)
        return 'OK'
    except OSError as e: return errno.errorcode[e.errno]
def connect(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(('127.0.0.1', port)); return 'OK'
    except OSError as e: return errno.errorcode.get(e.errno, str(e))
    finally: s.close()
`;

let root: string;
let granted: string; // read-only grant
let writable: string; // read-write grant
let secret: string; // not granted

before(() => {
  if (skip) return;
  // The agent's uid must pass through the test root and write the rw grant.
  root = readableForAgent(mkdtempSync(join(tmpdir(), 'octant-escape-')));
  granted = join(root, 'granted');
  writable = join(root, 'writable');
  secret = join(root, 'secret');
  for (const dir of [granted, writable, secret]) mkdirSync(dir);
  writableForAgent(writable);
  writeFileSync(join(granted, 'hello.txt'), 'granted content');
  writeFileSync(join(secret, 'key.txt'), 'host secret');
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function policy(overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return {
    id: `escape-${randomBytes(6).toString('hex')}`,
    binds: [
      { source: granted, target: granted, mode: 'ro' },
      { source: writable, target: writable, mode: 'rw' },
    ],
    executables: [PYTHON],
    // Everything the table knows: the compiler still removes the deny list,
    // so this is the widest policy a manifest could ask for.
    syscalls: Object.keys(SYSCALLS_X86_64),
    inet: false,
    limits: { memoryBytes: 96 << 20, pids: 24, cpu: 1 },
    network: [],
    credentials: [],
    ttlSeconds: null,
    tmpBytes: 1 << 20,
    isolation: 'namespaces',
    user: TEST_AGENT,
    ...overrides,
  };
}

interface ProbeResult {
  exit: SandboxExit;
  out: Record<string, unknown>;
  stderr: string;
}

async function probe(code: string, overrides: Partial<SandboxPolicy> = {}): Promise<ProbeResult> {
  const handle = launchSandbox(policy(overrides), [PYTHON, '-S', '-c', PRELUDE + code, JSON.stringify(SYSCALLS_X86_64)], {
    env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' },
  });
  handle.stdio.stdin?.end();
  let stdout = '';
  let stderr = '';
  handle.stdio.stdout?.on('data', (chunk: Buffer) => (stdout += chunk));
  handle.stdio.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  const exit = await handle.exited;
  const last = stdout.trim().split('\n').pop() ?? '';
  let out: Record<string, unknown> = {};
  try {
    out = JSON.parse(last);
  } catch {
    out = { unparsed: stdout };
  }
  return { exit, out, stderr };
}

test('files: a host file that was not granted does not exist; twin: a granted file reads', { skip }, async () => {
  const { out } = await probe(`
def listdir(p):
    try: return sorted(os.listdir(p))
    except OSError as e: return errno.errorcode[e.errno]
emit({'secret': read('${secret}/key.txt'), 'secretDir': os.path.exists('${secret}'), 'granted': read('${granted}/hello.txt'), 'etc': os.path.exists('/etc/passwd'), 'root': listdir('/')})`);
  assert.equal(out.secret, 'ENOENT');
  assert.equal(out.secretDir, false);
  assert.equal(out.etc, false, 'nothing of /etc is bound');
  assert.equal(out.granted, 'granted content');
  assert.equal(out.root, 'EACCES', 'Landlock grants nothing on / itself, not even a listing');
});

test('files: writes outside the write grants fail; twin: the rw grant is writable and seen by the host', { skip }, async () => {
  const { out } = await probe(`
def write(p):
    try:
        with open(p, 'w') as f: f.write('x')
        return 'OK'
    except OSError as e: return errno.errorcode[e.errno]
emit({'ro': write('${granted}/new.txt'), 'usr': write('/usr/escape.txt'), 'root': write('/escape.txt'), 'rw': write('${writable}/out.txt')})`);
  assert.equal(out.ro, 'EROFS');
  assert.equal(out.usr, 'EROFS');
  assert.equal(out.root, 'EROFS');
  assert.equal(out.rw, 'OK');
  assert.equal(readFileSync(join(writable, 'out.txt'), 'utf8'), 'x');
  assert.equal(existsSync(join(granted, 'new.txt')), false);
});

test('processes: host processes are invisible and cannot be signalled; twin: own process can be', { skip }, async () => {
  const { out } = await probe(`
def kill(pid):
    try:
        os.kill(pid, 0); return 'OK'
    except OSError as e: return errno.errorcode[e.errno]
pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
emit({'host': kill(${process.pid}), 'self': kill(os.getpid()), 'pids': pids, 'pid': os.getpid()})`);
  assert.equal(out.host, 'ESRCH');
  assert.equal(out.self, 'OK');
  assert.ok((out.pids as number[]).length <= 3, `only the sandbox's own processes are visible: ${JSON.stringify(out.pids)}`);
  assert.ok((out.pid as number) <= 3);
});

test('network: the host loopback is unreachable even with inet granted; twin: the sandbox loopback works', { skip }, async () => {
  const server: Server = createServer((socket) => socket.end('host'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const { out } = await probe(`
own = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
own.bind(('127.0.0.1', 0)); own.listen(1)
emit({'host': connect(${port}), 'own': connect(own.getsockname()[1])})`, { inet: true });
    assert.notEqual(out.host, 'OK');
    assert.equal(out.host, 'ECONNREFUSED', 'the port is closed on the sandbox loopback');
    assert.equal(out.own, 'OK');
  } finally {
    server.close();
  }
});

test('network: AF_INET sockets are refused without inet; twin: AF_UNIX works', { skip }, async () => {
  const { out } = await probe(`
def make(family):
    try:
        socket.socket(family, socket.SOCK_STREAM).close(); return 'OK'
    except OSError as e: return errno.errorcode[e.errno]
emit({'inet': make(socket.AF_INET), 'inet6': make(socket.AF_INET6), 'netlink': sc('socket', 16, 3, 0), 'unix': make(socket.AF_UNIX)})`);
  assert.deepEqual(out, { inet: 'EPERM', inet6: 'EPERM', netlink: 'EPERM', unix: 'OK' });
});

test('syscalls: every containment-breaking call is refused by the filter; twin: allowed calls run', { skip }, async () => {
  const { out } = await probe(`
buf = ctypes.create_string_buffer(256)
emit({
  'mount': sc('mount', 0, ctypes.addressof(buf), 0, 0, 0),
  'umount2': sc('umount2', ctypes.addressof(buf), 0),
  'unshare': sc('unshare', 0x10000000),
  'setns': sc('setns', 0, 0),
  'ptrace': sc('ptrace', 16, 1, 0, 0),
  'bpf': sc('bpf', 0, 0, 0),
  'keyctl': sc('keyctl', 0, 0, 0),
  'perf_event_open': sc('perf_event_open', ctypes.addressof(buf), 0, -1, -1, 0),
  'userfaultfd': sc('userfaultfd', 0),
  'init_module': sc('init_module', 0, 0, 0),
  'finit_module': sc('finit_module', 0, 0, 0),
  'kexec_load': sc('kexec_load', 0, 0, 0, 0),
  'reboot': sc('reboot', 0xfee1dead, 672274793, 0x4321fedc, 0),
  'chroot': sc('chroot', ctypes.addressof(buf)),
  'io_uring_setup': sc('io_uring_setup', 1, ctypes.addressof(buf)),
  'x32_getpid': sc(0x40000000 | NR['getpid']),
  'getpid': sc('getpid'),
  'uname': sc('uname', ctypes.addressof(buf)),
  'seccomp_mode': [l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp:')][0],
})`);
  for (const name of ['mount', 'umount2', 'unshare', 'setns', 'ptrace', 'bpf', 'keyctl', 'perf_event_open', 'userfaultfd', 'init_module', 'finit_module', 'kexec_load', 'reboot', 'chroot', 'io_uring_setup', 'x32_getpid']) {
    assert.equal(out[name], 'EPERM', `${name} must be refused with the filter's EPERM`);
  }
  assert.equal(out.getpid, 'OK');
  assert.equal(out.uname, 'OK');
  assert.equal(out.seccomp_mode, '2', 'a seccomp filter is installed');
});

test('terminal: ioctl TIOCSTI and TIOCLINUX are refused; twin: FIONREAD works', { skip }, async () => {
  const { out } = await probe(`
c = ctypes.c_char(b'x')
n = ctypes.c_int(0)
r, w = os.pipe()
emit({'tiocsti': sc('ioctl', 0, 0x5412, ctypes.addressof(c)), 'tioclinux': sc('ioctl', 0, 0x541c, ctypes.addressof(c)), 'fionread': sc('ioctl', r, 0x541b, ctypes.addressof(n))})`);
  assert.deepEqual(out, { tiocsti: 'EPERM', tioclinux: 'EPERM', fionread: 'OK' });
});

test('clone: namespace flags are refused and clone3 says ENOSYS; twin: fork works', { skip }, async () => {
  const { out } = await probe(`
flags = {'newuser': 0x10000000, 'newns': 0x20000, 'newpid': 0x20000000, 'newnet': 0x40000000, 'newipc': 0x08000000, 'newuts': 0x04000000, 'newcgroup': 0x02000000}
res = {k: sc('clone', v | 17, 0, 0, 0, 0) for k, v in flags.items()}
res['clone3'] = sc('clone3', 0, 0)
pid = os.fork()
if pid == 0: os._exit(7)
res['fork'] = os.waitpid(pid, 0)[1] >> 8
emit(res)`);
  for (const flag of ['newuser', 'newns', 'newpid', 'newnet', 'newipc', 'newuts', 'newcgroup']) assert.equal(out[flag], 'EPERM', flag);
  assert.equal(out.clone3, 'ENOSYS');
  assert.equal(out.fork, 7);
});

test('capabilities: all sets are empty and capset cannot raise them; twin: capget reads them', { skip }, async () => {
  const { out } = await probe(`
status = dict(l.split(':', 1) for l in open('/proc/self/status') if l.startswith('Cap'))
hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)
data = (ctypes.c_uint32 * 6)(*([0xffffffff] * 6))
res = {k: v.strip() for k, v in status.items()}
res['capset'] = sc('capset', ctypes.addressof(hdr), ctypes.addressof(data))
res['capget'] = sc('capget', ctypes.addressof(hdr), ctypes.addressof(data))
res['eff'] = data[0]
emit(res)`);
  for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) assert.equal(out[set], '0000000000000000', set);
  assert.equal(out.capset, 'EPERM');
  assert.equal(out.capget, 'OK');
  assert.equal(out.eff, 0);
});

const FORK_N = `
import time
def forks(n):
    kids = []
    try:
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                time.sleep(5); os._exit(0)
            kids.append(pid)
        return 'OK'
    except OSError as e: return errno.errorcode[e.errno]
    finally:
        for k in kids: os.kill(k, 9); os.waitpid(k, 0)
`;

test('pids: forking past pids.max fails; twin: forking below it works', { skip }, async () => {
  const { out } = await probe(`${FORK_N}\nemit({'few': forks(4), 'many': forks(64)})`, { limits: { pids: 16, memoryBytes: 96 << 20 } });
  assert.deepEqual(out, { few: 'OK', many: 'EAGAIN' });
});

test('memory: allocating past the ceiling is killed or fails; twin: below it works', { skip }, async () => {
  const small = await probe(`b = bytearray(16 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nemit({'small': 'OK'})`, { limits: { memoryBytes: 64 << 20, pids: 16 } });
  assert.deepEqual(small.out, { small: 'OK' });
  const big = await probe(`
try:
    b = bytearray(256 << 20)
    for i in range(0, len(b), 4096): b[i] = 1
    emit({'big': 'OK'})
except MemoryError:
    emit({'big': 'MemoryError'})`, { limits: { memoryBytes: 64 << 20, pids: 16 } });
  assert.notDeepEqual(big.out, { big: 'OK' });
  const killed = big.exit.code === 128 + 9 || big.exit.signal === 'SIGKILL';
  assert.ok(killed || big.out.big === 'MemoryError', `OOM-killed or MemoryError: ${JSON.stringify(big)}`);
});

test('/tmp: filling it past its size fails with ENOSPC; twin: a small file fits', { skip }, async () => {
  const { out } = await probe(`
def fill(path, size):
    try:
        with open(path, 'wb') as f: f.write(b'x' * size)
        return 'OK'
    except OSError as e: return errno.errorcode[e.errno]
small = fill('/tmp/small', 64 << 10)
emit({'small': small, 'big': fill('/tmp/big', 4 << 20)})`, { tmpBytes: 1 << 20 });
  assert.deepEqual(out, { small: 'OK', big: 'ENOSPC' });
});

test('teardown: kill leaves no process behind and removes the cgroup', { skip }, async () => {
  const handle = launchSandbox(policy(), [PYTHON, '-S', '-c', 'import os, time\nfor _ in range(3):\n    if os.fork() == 0: os.setsid(); time.sleep(60)\ntime.sleep(60)'], {});
  const deadline = Date.now() + 5000;
  while (handle.cgroup.pids().length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const pids = handle.cgroup.pids();
  assert.ok(pids.length >= 5, `bwrap, its init, python and three daemonized children: ${pids}`);
  await handle.suspend();
  const state = readFileSync(`/proc/${pids[pids.length - 1]}/stat`, 'utf8').split(') ')[1][0];
  assert.ok(['D', 'T', 't', 'S'].includes(state));
  await handle.resume();
  await handle.kill();
  for (const pid of pids) assert.equal(existsSync(`/proc/${pid}`), false, `pid ${pid} is gone (no zombie either)`);
  for (const file of handle.cgroup.procsFiles) assert.equal(existsSync(file), false, 'cgroup removed');
});

const gvisorSkip = skip || (existsSync('/usr/bin/runsc') ? false : '/usr/bin/runsc is missing (install runsc)');

test('gVisor tier: the same policy holds under runsc (files, sockets, deny list, loopback); twins work', { skip: gvisorSkip }, async () => {
  const server: Server = createServer((socket) => socket.end('host'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const { out, stderr } = await probe(`
buf = ctypes.create_string_buffer(256)
with open('${writable}/gv.txt', 'w') as f: f.write('gv')
emit({'secret': read('${secret}/key.txt'), 'granted': read('${granted}/hello.txt'),
      'host': connect(${port}), 'unix': sc('socket', 1, 1, 0), 'netlink': sc('socket', 16, 3, 0),
      'mount': sc('mount', 0, ctypes.addressof(buf), 0, 0, 0), 'ptrace': sc('ptrace', 16, 1, 0, 0),
      'newuser': sc('clone', 0x10000000 | 17, 0, 0, 0, 0), 'getpid': sc('getpid'),
      'capeff': [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff:')][0]})`, {
      isolation: 'gvisor',
      inet: true,
      // The cgroup holds the Sentry and the gofer too (Go runtimes with their
      // own threads and heap), so the gVisor tier needs roomier limits.
      limits: { pids: 256, memoryBytes: 512 << 20 },
    });
    assert.equal(out.secret, 'ENOENT', stderr);
    assert.equal(out.granted, 'granted content');
    assert.notEqual(out.host, 'OK');
    assert.equal(out.unix, 'OK');
    assert.equal(out.netlink, 'EPERM');
    assert.equal(out.mount, 'EPERM');
    assert.equal(out.ptrace, 'EPERM');
    assert.equal(out.newuser, 'EPERM');
    assert.equal(out.getpid, 'OK');
    assert.equal(out.capeff, '0000000000000000');
    assert.equal(readFileSync(join(writable, 'gv.txt'), 'utf8'), 'gv');
  } finally {
    server.close();
  }
});

// --- the agent's host identity and the kernel's own interfaces -------------

// Whichever of the usual targets this kernel has (kernel/modprobe needs CONFIG_MODULES).
const SYSCTLS = ['kernel/core_pattern', 'kernel/printk_ratelimit_burst', 'kernel/panic', 'vm/drop_caches', 'kernel/modprobe', 'net/ipv4/ip_forward'].filter((name) => existsSync(`/proc/sys/${name}`));

test('kernel settings: no /proc/sys file can be written and the host keeps its values; twin: they read, /tmp writes', { skip }, async () => {
  // vm/drop_caches is write-only: nothing to compare.
  const readable = SYSCTLS.filter((name) => name !== 'vm/drop_caches');
  const hostBefore = readable.map((name) => readFileSync(`/proc/sys/${name}`, 'utf8'));
  const { out } = await probe(`
names = ${JSON.stringify(SYSCTLS)}
res = {n: write('/proc/sys/' + n, '|/tmp/x' if n.endswith('core_pattern') else '3') for n in names}
res['sysrq-trigger'] = write('/proc/sysrq-trigger', 'h') if os.path.exists('/proc/sysrq-trigger') else 'absent'
res['read'] = read('/proc/sys/kernel/ostype').strip()
res['tmp'] = write('/tmp/ok', 'x')
res['mounts'] = [l.split()[4] + ' ' + l.split()[5].split(',')[0] for l in open('/proc/self/mountinfo') if l.split()[4].startswith('/proc/')]
emit(res)`);
  for (const name of SYSCTLS) assert.equal(out[name], 'EROFS', `${name}: the read-only mount refuses it`);
  assert.ok(['EROFS', 'absent'].includes(out['sysrq-trigger'] as string));
  assert.deepEqual(readable.map((name) => readFileSync(`/proc/sys/${name}`, 'utf8')), hostBefore, 'the host values are unchanged');
  for (const path of hostProcLayout().readOnly) assert.ok((out.mounts as string[]).includes(`${path} ro`), `${path} is mounted read-only`);
  assert.equal(out.read, 'Linux');
  assert.equal(out.tmp, 'OK');
  // The second lock, alone: even without the read-only mount, the agent's uid
  // may not write a host sysctl (they belong to the initial namespace's root).
  // A plain process with that uid on the host, no sandbox at all, is refused.
  const alone = spawnSync(PYTHON, ['-S', '-c', `
import errno, json
def write(p):
    try:
        with open(p, 'w') as f: f.write('3')
        return 'OK'
    except OSError as e: return errno.errorcode[e.errno]
print(json.dumps({n: write('/proc/sys/' + n) for n in ${JSON.stringify(SYSCTLS)}}))`], { uid: TEST_AGENT.uid, gid: TEST_AGENT.gid, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(alone.stdout), Object.fromEntries(SYSCTLS.map((name) => [name, 'EACCES'])), alone.stderr);
});

test('root-owned files: /etc/shadow stays closed with /etc granted; twin: world-readable /etc files read', { skip }, async () => {
  const { out } = await probe(`
emit({'shadow': read('/etc/shadow'), 'gshadow': read('/etc/gshadow'), 'passwd': 'root:' in read('/etc/passwd'), 'uid': os.getuid(), 'euid': os.geteuid(), 'gid': os.getgid(), 'groups': os.getgroups()})`, {
    binds: [{ source: '/etc', target: '/etc', mode: 'ro' }],
  });
  assert.equal(out.shadow, 'EACCES');
  if (existsSync('/etc/gshadow')) assert.equal(out.gshadow, 'EACCES');
  assert.equal(out.passwd, true);
  assert.deepEqual([out.uid, out.euid, out.gid, out.groups], [TEST_AGENT.uid, TEST_AGENT.uid, TEST_AGENT.gid, []]);
});

test('host uid: no process of the sandbox is host uid 0 (seen from the host); twin: the launcher itself is', { skip }, async () => {
  const handle = launchSandbox(policy(), [PYTHON, '-S', '-c', 'import os, time\nif os.fork() == 0: time.sleep(60)\ntime.sleep(60)'], {});
  try {
    const deadline = Date.now() + 5000;
    while (handle.cgroup.pids().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const pids = handle.cgroup.pids();
    assert.ok(pids.length >= 4, `bwrap, its init, python and its child: ${pids}`);
    assert.ok(pids.includes(handle.pid));
    const ids = (pid: number, field: 'Uid' | 'Gid'): number[] => {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))!;
      return line.split(/\s+/).slice(1, 5).map(Number);
    };
    for (const pid of pids) {
      assert.deepEqual(ids(pid, 'Uid'), [TEST_AGENT.uid, TEST_AGENT.uid, TEST_AGENT.uid, TEST_AGENT.uid], `pid ${pid}: real, effective, saved and fs uid`);
      assert.deepEqual(ids(pid, 'Gid'), [TEST_AGENT.gid, TEST_AGENT.gid, TEST_AGENT.gid, TEST_AGENT.gid], `pid ${pid}: gids`);
    }
    assert.deepEqual(ids(process.pid, 'Uid'), [0, 0, 0, 0], 'the same reading shows the launcher as root');
  } finally {
    await handle.kill();
  }
});

test('masked /proc files give nothing; twin: the agent\'s own /proc entries read', { skip }, async () => {
  const proc = hostProcLayout();
  const { out } = await probe(`
def size(p):
    try:
        with open(p, 'rb') as f: return len(f.read())
    except OSError as e: return errno.errorcode[e.errno]
emit({'files': {p: size(p) for p in ${JSON.stringify(proc.maskedFiles)}}, 'dirs': {p: os.listdir(p) for p in ${JSON.stringify(proc.maskedDirs)}},
      'status': size('/proc/self/status'), 'uptime': size('/proc/uptime')})`);
  for (const path of proc.maskedFiles) assert.equal((out.files as Record<string, unknown>)[path], 0, `${path} reads empty`);
  for (const path of proc.maskedDirs) assert.deepEqual((out.dirs as Record<string, unknown>)[path], [], `${path} is empty`);
  assert.ok((out.status as number) > 0 && (out.uptime as number) > 0);
  // The host does have content there (otherwise the probe would prove nothing).
  if (proc.maskedFiles.includes('/proc/timer_list')) assert.ok(readFileSync('/proc/timer_list').length > 0);
});

test('/sys: absent unless granted; granted read-only, cgroupfs cannot be written; twin: it reads', { skip }, async () => {
  const absent = await probe(`emit({'sys': os.path.exists('/sys'), 'sysStat': read('/sys/kernel/uevent_helper')})`);
  assert.equal(absent.out.sys, false);
  assert.equal(absent.out.sysStat, 'ENOENT');
  // Every cgroup hierarchy mounted on the host, as the sandbox sees it through a read-only /sys.
  const hierarchies = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')).filter((f) => ['cgroup', 'cgroup2'].includes(f[f.indexOf('-') + 1])).map((f) => f[4]);
  assert.ok(hierarchies.length > 0);
  const name = `escape-${randomBytes(4).toString('hex')}`;
  const { out } = await probe(`
def mk(p):
    try:
        os.mkdir(p); return 'OK'
    except OSError as e: return errno.errorcode[e.errno]
hs = ${JSON.stringify(hierarchies)}
emit({'mkdir': {h: mk(h + '/${name}') for h in hs}, 'procs': {h: write(h + '/cgroup.procs', str(os.getpid())) for h in hs},
      'uevent': write('/sys/kernel/uevent_helper', '/tmp/x') if os.path.exists('/sys/kernel/uevent_helper') else 'EROFS',
      'read': len(os.listdir('/sys/fs/cgroup')) > 0})`, { binds: [{ source: '/sys', target: '/sys', mode: 'ro' }] });
  for (const h of hierarchies) {
    assert.equal((out.mkdir as Record<string, string>)[h], 'EROFS', `mkdir in ${h}`);
    assert.ok(['EROFS', 'EACCES'].includes((out.procs as Record<string, string>)[h]), `write ${h}/cgroup.procs: ${(out.procs as Record<string, string>)[h]}`);
    assert.equal(existsSync(join(h, name)), false, 'no cgroup was created on the host');
  }
  assert.equal(out.uevent, 'EROFS');
  assert.equal(out.read, true);
});
