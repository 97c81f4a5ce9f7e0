import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchSandbox } from './launch.ts';
import { bwrapArgs, bwrapOptions, encodeArgs, SECCOMP_FD } from './bwrap-args.ts';
import { ociSeccomp, prepareGvisorBundle } from './gvisor.ts';
import type { SandboxPolicy } from '../sandbox-policy.ts';
import { isOctantError } from '../../lib/errors.ts';
import { TEST_AGENT, writableForAgent } from '../../../test/support/agent-user.ts';

// Every check below fails before a cgroup or process exists, so these run
// unprivileged; /bin/sh stands in as "an executable tool" for step 1.
function policy(overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return {
    id: 'unit', binds: [], executables: ['/bin/sh'], syscalls: ['read', 'write', 'execve', 'exit_group'], inet: false,
    limits: {}, network: [], credentials: [], ttlSeconds: null, tmpBytes: 1 << 20, isolation: 'namespaces', user: TEST_AGENT, ...overrides,
  };
}
const tool = { bwrapPath: '/bin/sh', runscPath: '/bin/sh' };

test('a missing bwrap or runsc is its own error; twin: an executable tool passes step 1', () => {
  assert.throws(() => launchSandbox(policy(), ['/bin/sh'], { bwrapPath: '/nonexistent/bwrap' }), (e) => isOctantError(e, 'E_SANDBOX_BWRAP_MISSING') && e.message.includes('/nonexistent/bwrap'));
  assert.throws(() => launchSandbox(policy({ isolation: 'gvisor' }), ['/bin/sh'], { runscPath: '/nonexistent/runsc' }), (e) => isOctantError(e, 'E_SANDBOX_RUNSC_MISSING'));
  // Passes step 1, stops at step 2 on purpose.
  assert.throws(() => launchSandbox(policy(), ['/bin/true'], tool), (e) => isOctantError(e, 'E_SANDBOX_EXEC'));
});

test('only granted executables start, whatever the spelling', () => {
  assert.throws(() => launchSandbox(policy(), ['/usr/bin/env', 'sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_EXEC') && e.message.includes('/usr/bin/env'));
  assert.throws(() => launchSandbox(policy(), [], tool), (e) => isOctantError(e, 'E_SANDBOX_EXEC'));
  // Twin: /usr/bin/../bin/sh is the granted /bin/sh and gets past step 2 to the bind check.
  assert.throws(() => launchSandbox(policy({ binds: [{ source: 'relative', target: '/x', mode: 'ro' }] }), ['/usr/bin/../bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_BIND'));
});

test('unsound binds are refused naming the entry', () => {
  const cases: [SandboxPolicy['binds'][number], RegExp][] = [
    [{ source: '/nonexistent-octant', target: '/x', mode: 'ro' }, /policy\.binds\[0\].*does not exist/],
    [{ source: '/usr', target: 'usr', mode: 'ro' }, /policy\.binds\[0\].*absolute/],
    [{ source: '/usr', target: '/a/../etc', mode: 'ro' }, /policy\.binds\[0\]/],
    [{ source: '/usr', target: '/', mode: 'rw' }, /policy\.binds\[0\]/],
    [{ source: '/usr', target: '/usr', mode: 'rwx' as 'rw' }, /policy\.binds\[0\]\.mode/],
    // bwrap's --args data is NUL-separated: a NUL would smuggle in options.
    [{ source: '/usr', target: '/x\0--bind\0/\0/host', mode: 'ro' }, /policy\.binds\[0\].*NUL/],
  ];
  for (const [bind, message] of cases) {
    assert.throws(() => launchSandbox(policy({ binds: [bind] }), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_BIND') && message.test(e.message), JSON.stringify(bind));
  }
  assert.throws(() => launchSandbox(policy(), ['/bin/sh'], { ...tool, extraBinds: [{ source: '/nope-octant', target: '/run/gw.sock', mode: 'rw' }] }), (e) => isOctantError(e, 'E_SANDBOX_BIND') && e.message.includes('options.extraBinds[0]'));
});

test('an unknown syscall stops the launch with E_SANDBOX_SECCOMP', () => {
  assert.throws(() => launchSandbox(policy({ syscalls: ['read', 'frobnicate'] }), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_SECCOMP') && e.message.includes('frobnicate'));
});

test('bwrap arguments: namespaces, no capabilities, binds in mode, sized /tmp, filter on fd 3', () => {
  const args = bwrapArgs(policy({ binds: [{ source: '/srv/a', target: '/work', mode: 'rw' }, { source: '/srv/b', target: '/data', mode: 'ro' }] }), ['/bin/sh', '-c', 'x'], {
    extraBinds: [{ source: '/run/octant/gw.sock', target: '/run/gateway.sock', mode: 'rw' }],
    cwd: '/work',
    system: { roBinds: ['/usr'], symlinks: { '/bin': 'usr/bin' }, proc: { readOnly: ['/proc/sys'], maskedFiles: ['/proc/kcore'], maskedDirs: ['/proc/acpi'] } },
  });
  const line = args.join(' ');
  for (const flag of ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session', '--cap-drop ALL', '--proc /proc', '--dev /dev']) assert.ok(line.includes(flag), flag);
  assert.ok(line.includes(`--size ${1 << 20} --tmpfs /tmp`));
  assert.ok(line.includes('--bind /srv/a /work') && line.includes('--ro-bind /srv/b /data') && line.includes('--bind /run/octant/gw.sock /run/gateway.sock'));
  assert.ok(line.includes('--ro-bind /usr /usr') && line.includes('--symlink usr/bin /bin'));
  assert.ok(line.includes(`--seccomp ${SECCOMP_FD} -- /bin/sh -c x`), 'the filter comes last, right before the command');
  assert.ok(line.indexOf('--tmpfs /tmp') < line.indexOf('--bind /srv/a'), 'binds land on top of the fresh /tmp');
  // Kernel interfaces: right after the fresh /proc, before anything else.
  assert.ok(line.includes('--proc /proc --ro-bind /proc/sys /proc/sys --dev-bind /dev/null /proc/kcore --perms 0555 --tmpfs /proc/acpi --remount-ro /proc/acpi --dev /dev'), line);
});

test('an agent never runs as uid or gid 0: E_SANDBOX_USER; twin: the test agent passes to the next step', () => {
  for (const user of [{ uid: 0, gid: TEST_AGENT.gid }, { uid: TEST_AGENT.uid, gid: 0 }, { uid: -1, gid: 5 }, undefined]) {
    assert.throws(() => launchSandbox(policy({ user: user as SandboxPolicy['user'], syscalls: ['frobnicate'] }), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_USER'), JSON.stringify(user));
  }
  assert.throws(() => launchSandbox(policy({ syscalls: ['frobnicate'] }), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_SECCOMP'));
});

test('kernel interfaces are never bound: no procfs, sysfs and cgroupfs only read-only; twin: /sys read-only passes', () => {
  const refused: SandboxPolicy['binds'] = [
    { source: '/proc', target: '/hostproc', mode: 'ro' },
    { source: '/proc/sys', target: '/x', mode: 'ro' },
    { source: '/usr', target: '/proc/sys', mode: 'ro' },
    { source: '/sys', target: '/sys', mode: 'rw' },
    { source: '/sys/fs/cgroup', target: '/cg', mode: 'rw' },
    { source: '/usr', target: '/sys/fs', mode: 'rw' },
  ];
  for (const bind of refused) {
    assert.throws(() => launchSandbox(policy({ binds: [bind], syscalls: ['frobnicate'] }), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_KERNEL_FS') && e.message.includes('policy.binds[0]'), JSON.stringify(bind));
  }
  assert.throws(() => launchSandbox(policy({ binds: [{ source: '/sys', target: '/sys', mode: 'ro' }], syscalls: ['frobnicate'] }), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_SECCOMP'));
});

const asRoot = process.geteuid?.() === 0 ? false : 'needs root (switching to the agent uid)';

test('a grant the agent uid cannot use fails before launch naming the path; twin: opened to it, it passes', { skip: asRoot }, () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-access-'));
  try {
    const shared = join(root, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    const rw = (source: string) => policy({ binds: [{ source, target: '/w', mode: 'rw' }], syscalls: ['frobnicate'] });
    // mkdtemp is 0700: the agent cannot even pass through it.
    assert.throws(() => launchSandbox(rw(shared), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_GRANT_ACCESS') && e.message.includes(shared) && (e.hint ?? '').includes(`chmod o+x ${root}`));
    chmodSync(root, 0o711);
    // Reachable and readable, but root's: a write grant is refused with the chgrp hint.
    assert.throws(() => launchSandbox(rw(shared), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_GRANT_ACCESS') && (e.hint ?? '').includes(`chgrp -R ${TEST_AGENT.gid}`));
    // Read-only: ordinary permissions, so a 0755 directory is fine.
    assert.throws(() => launchSandbox(policy({ binds: [{ source: shared, target: '/r', mode: 'ro' }], syscalls: ['frobnicate'] }), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_SECCOMP'));
    // /etc/shadow is root's own: not even a read-only grant of it passes.
    assert.throws(() => launchSandbox(policy({ binds: [{ source: '/etc/shadow', target: '/s', mode: 'ro' }], syscalls: ['frobnicate'] }), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_GRANT_ACCESS'));
    writableForAgent(shared);
    assert.throws(() => launchSandbox(rw(shared), ['/bin/sh'], tool), (e) => isOctantError(e, 'E_SANDBOX_SECCOMP'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--args data: one NUL after each option; an option holding a NUL is refused; twin: the same options inline', () => {
  const system = { roBinds: ['/usr'], symlinks: {}, proc: { readOnly: [], maskedFiles: [], maskedDirs: [] } };
  const options = bwrapOptions(policy(), { system, cwd: '/tmp' });
  assert.deepEqual(bwrapArgs(policy(), ['/bin/sh'], { system, cwd: '/tmp' }), [...options, '--', '/bin/sh'], 'the command is not part of --args');
  const data = encodeArgs(options).toString();
  assert.deepEqual(data.split('\0'), [...options, '']);
  assert.throws(() => encodeArgs(['--chdir', '/w\0--bind']), (e) => isOctantError(e, 'E_SANDBOX_ARGS') && e.message.includes('option 1'));
  assert.throws(() => launchSandbox(policy(), ['/bin/sh'], { ...tool, cwd: '/w\0--bind\0/\0/x' }), (e) => isOctantError(e, 'E_SANDBOX_ARGS') && e.message.includes('options.cwd'));
  assert.throws(() => launchSandbox(policy(), ['/bin/sh'], { ...tool, cwd: 'relative' }), (e) => isOctantError(e, 'E_SANDBOX_ARGS'));
});

test('gVisor bundle: read-only root, binds, sized /tmp, seccomp translated with the same decisions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-gv-'));
  const bundle = prepareGvisorBundle(policy({ binds: [{ source: dir, target: '/work', mode: 'rw' }], syscalls: ['read', 'socket', 'clone', 'ioctl', 'mount'] }), ['/bin/sh'], {
    system: { roBinds: ['/usr'], symlinks: { '/bin': 'usr/bin' }, proc: { readOnly: [], maskedFiles: [], maskedDirs: [] } },
  });
  try {
    assert.deepEqual(JSON.parse(readFileSync(join(bundle.dir, 'config.json'), 'utf8')).process.user, { ...TEST_AGENT, additionalGids: [] }, 'the agent process runs as policy.user');
    const config = JSON.parse(readFileSync(join(bundle.dir, 'config.json'), 'utf8'));
    assert.equal(config.root.readonly, true);
    assert.deepEqual(config.process.capabilities.bounding, []);
    assert.ok(config.mounts.some((m: { destination: string; options: string[] }) => m.destination === '/work' && m.options.includes('rw') && m.options.includes('noexec')));
    assert.ok(config.mounts.some((m: { destination: string; options: string[] }) => m.destination === '/usr' && !m.options.includes('noexec')), 'twin: the system tree executes');
    assert.ok(config.mounts.some((m: { destination: string; options?: string[] }) => m.destination === '/tmp' && m.options?.includes('noexec')));
    assert.ok(config.mounts.some((m: { destination: string; options?: string[] }) => m.destination === '/tmp' && m.options?.includes(`size=${1 << 20}`)));
    assert.deepEqual(config.linux.namespaces.map((n: { type: string }) => n.type).sort(), ['ipc', 'mount', 'network', 'pid', 'uts']);
    const names = config.linux.seccomp.syscalls.flatMap((s: { names: string[] }) => s.names);
    assert.ok(!names.includes('mount'), 'deny list subtracted');
    assert.ok(bundle.runscArgs.includes('--network=none') && bundle.runscArgs.includes('--oci-seccomp'));
  } finally {
    bundle.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
  const seccomp = ociSeccomp({ syscalls: ['socket', 'clone'], inet: false }) as { syscalls: { names: string[]; action: string; args?: { value: number }[]; errnoRet?: number }[] };
  assert.deepEqual(seccomp.syscalls.filter((s) => s.names[0] === 'socket').map((s) => s.args?.[0].value), [1], 'AF_UNIX only');
  // clone3 reaches the Sentry, which answers ENOSYS (gvisor.ts; gvisor.test.ts).
  assert.equal(seccomp.syscalls.find((s) => s.names.includes('clone3'))?.action, 'SCMP_ACT_ALLOW');
});
