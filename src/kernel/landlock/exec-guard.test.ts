// The exec-guard's pieces outside a sandbox: the rules derived from a policy,
// the ELF loader lookup, the helper file (content-addressed, read-only,
// replaced when altered, refused in a directory someone else controls), its
// refusals of a malformed command line, and the Landlock requirement.
// In real sandboxes: test/integration/escape-exec.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import { execGuardArgs, guardedCommand, EXEC_GUARD_TARGET } from './exec-guard-args.ts';
import { elfInterpreter, hostLoaders } from './elf-interpreter.ts';
import { execGuardPath } from './exec-guard-binary.ts';
import { requireLandlock } from './require-landlock.ts';
import { bwrapOptions } from '../sandbox/bwrap-args.ts';

const hasCc = spawnSync('sh', ['-c', 'command -v cc']).status === 0;
const noCc = hasCc ? false : 'no C compiler (cc) to build the helper from sources';
const PYTHON = '/usr/bin/python3';
const NO_PROC = { readOnly: [], maskedFiles: [], maskedDirs: [] };

/** A fresh directory anyone may pass through (mkdtemp makes 0700 ones): the helper's place must be. */
function openDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Option flag → values, in order. */
function byFlag(args: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < args.length - 1; i += 2) (out[args[i]] ??= []).push(args[i + 1]);
  return out;
}

test('rules: writable mounts noexec and writable; read-only binds readable; programs and their loader executable', () => {
  const args = execGuardArgs({
    policy: {
      binds: [{ source: '/srv/data', target: '/data', mode: 'ro' }, { source: '/srv/work', target: '/work', mode: 'rw' }],
      executables: existsSync(PYTHON) ? [PYTHON] : [],
    },
    system: { roBinds: ['/usr'], symlinks: { '/bin': 'usr/bin' }, proc: NO_PROC },
    extraBinds: [{ source: '/run/x/gw.sock', target: '/run/octant/gateway.sock', mode: 'rw' }],
    seccompFd: 3,
  });
  assert.equal(args.at(-1), '--');
  const flags = byFlag(args.slice(0, -1));
  assert.deepEqual(flags['-n'], ['/tmp']);
  assert.deepEqual(flags['-N'], ['/dev', '/work', '/run/octant/gateway.sock']);
  assert.deepEqual(flags['-w'], ['/tmp', '/work', '/run/octant/gateway.sock']);
  assert.deepEqual(flags['-r'], ['/usr', '/proc', '/data']);
  assert.deepEqual(flags['-d'], ['/dev']);
  assert.deepEqual(flags['-s'], ['3']);
  if (existsSync(PYTHON)) assert.deepEqual(flags['-x'], [PYTHON, elfInterpreter(PYTHON)]);
  // Nothing executable, readable or writable that the policy did not name.
  for (const flag of ['-x', '-w', '-d']) assert.ok(!(flags[flag] ?? []).includes('/'), flag);
});

test('rules: a granted directory of programs brings the host\'s loader; twin: no grant, no loader', () => {
  const system = { roBinds: ['/usr'], symlinks: {}, proc: NO_PROC };
  const withDir = byFlag(execGuardArgs({ policy: { binds: [], executables: ['/usr/bin'] }, system }).slice(0, -1));
  assert.deepEqual(withDir['-x'], ['/usr/bin', ...hostLoaders()]);
  const none = byFlag(execGuardArgs({ policy: { binds: [], executables: [] }, system }).slice(0, -1));
  assert.equal(none['-x'], undefined);
});

test('rules: no filter descriptor, no -s; the command follows the helper and its options untouched', () => {
  const command = guardedCommand(['/usr/bin/env', '--', '-x'], { policy: { binds: [], executables: [] }, system: { roBinds: [], symlinks: {}, proc: NO_PROC } });
  assert.equal(command[0], EXEC_GUARD_TARGET);
  assert.ok(!command.includes('-s'));
  assert.deepEqual(command.slice(command.indexOf('--') + 1), ['/usr/bin/env', '--', '-x']);
});

test('bwrap with the helper: it is bound read-only, gets CAP_SYS_ADMIN and CAP_SETPCAP, and bwrap no longer installs the filter; twin: without it bwrap does', () => {
  const policy = { id: 'a', binds: [], executables: [], syscalls: [], inet: false, limits: {}, network: [], credentials: [], ttlSeconds: null, tmpBytes: 1 << 20, isolation: 'namespaces' as const, user: { uid: 1000, gid: 1000 } };
  const system = { roBinds: ['/usr'], symlinks: {}, proc: NO_PROC };
  const guarded = bwrapOptions(policy, { system, execGuard: '/var/guard/exec-guard-0' }).join(' ');
  assert.match(guarded, new RegExp(`--ro-bind /var/guard/exec-guard-0 ${EXEC_GUARD_TARGET}`));
  assert.match(guarded, /--cap-drop ALL .*--cap-add CAP_SYS_ADMIN --cap-add CAP_SETPCAP/);
  assert.doesNotMatch(guarded, /--seccomp/);
  const plain = bwrapOptions(policy, { system }).join(' ');
  assert.match(plain, /--seccomp 3/);
  assert.doesNotMatch(plain, /--cap-add/);
});

test('ELF loader: a dynamic program names one; a script, a missing file and a static binary do not', { skip: existsSync(PYTHON) ? false : 'no python3' }, () => {
  assert.match(elfInterpreter(PYTHON) ?? '', /^\/lib.*\/ld-linux.*\.so/);
  const dir = mkdtempSync(join(tmpdir(), 'octant-elf-'));
  try {
    writeFileSync(join(dir, 'script'), '#!/bin/sh\necho hi\n');
    writeFileSync(join(dir, 'junk'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]));
    assert.equal(elfInterpreter(join(dir, 'script')), undefined);
    assert.equal(elfInterpreter(join(dir, 'junk')), undefined, 'a truncated header');
    assert.equal(elfInterpreter(join(dir, 'missing')), undefined);
    assert.equal(elfInterpreter(dir), undefined, 'a directory');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('helper file: content-addressed, 0555, ours, static; an altered copy is replaced', { skip: noCc }, () => {
  const dir = join(openDir('octant-guard-'), 'guard');
  try {
    const path = execGuardPath(dir);
    assert.match(path, /\/exec-guard-[0-9a-f]{16}$/);
    const st = statSync(path);
    assert.equal(st.mode & 0o7777, 0o555);
    assert.equal(st.uid, process.geteuid?.());
    assert.equal(execGuardPath(dir), path, 'written once');
    assert.equal(elfInterpreter(path), undefined, 'static: no loader to grant');
    // A file of that name with other bytes (altered, or left by a bad
    // write) is replaced when a process first installs the helper there.
    const other = join(dir, '..', 'other');
    mkdirSync(other);
    const stale = join(other, basename(path));
    writeFileSync(stale, 'not the helper', { mode: 0o555 });
    assert.equal(execGuardPath(other), stale);
    assert.equal(statSync(stale).size, st.size);
    assert.ok(readdirSync(other).every((name) => !name.endsWith('.tmp')), 'no temp file left');
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('helper file: a directory another user owns or can write, or one agents cannot reach, is refused; twin: our own works', { skip: noCc || (process.getuid?.() !== 0 && 'chown needs root') }, () => {
  const base = openDir('octant-guard-');
  try {
    const foreign = join(base, 'foreign');
    mkdirSync(foreign);
    chownSync(foreign, 1234, 1234);
    assert.throws(() => execGuardPath(foreign), (e) => isOctantError(e, 'E_SANDBOX_EXEC_GUARD') && e.message.includes(foreign));
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    assert.throws(() => execGuardPath(open), (e) => isOctantError(e, 'E_SANDBOX_EXEC_GUARD'));
    // bwrap runs as the agent's uid: a private directory on the way is refused too.
    const hidden = join(base, 'private');
    mkdirSync(hidden, { mode: 0o700 });
    assert.throws(() => execGuardPath(join(hidden, 'g')), (e) => isOctantError(e, 'E_SANDBOX_EXEC_GUARD') && /pass through/.test(e.message));
    assert.ok(existsSync(execGuardPath(join(base, 'own'))));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('helper file: a directory on a noexec mount is refused with its own error; twin: the default place works', { skip: noCc || (process.getuid?.() !== 0 && 'mount needs root') }, () => {
  const base = mkdtempSync(join(tmpdir(), 'octant-guard-noexec-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'noexec,size=1m', 'octant-test', base]).status === 0;
  try {
    assert.ok(mounted, 'a tmpfs could be mounted');
    assert.throws(() => execGuardPath(join(base, 'g')), (e) => isOctantError(e, 'E_SANDBOX_EXEC_GUARD') && /cannot be executed from/.test(e.message) && /noexec/.test(e.message));
  } finally {
    if (mounted) spawnSync('umount', [base]);
    rmSync(base, { recursive: true, force: true });
  }
  assert.ok(existsSync(execGuardPath()));
});

test('helper: a malformed command line changes nothing and exits 120 naming the problem; twin: a well-formed one runs to the next step', { skip: noCc }, () => {
  const helper = execGuardPath(join(openDir('octant-guard-'), 'g'));
  const run = (args: string[]) => spawnSync(helper, args, { encoding: 'utf8' });
  for (const [args, message] of [
    [[], /usage/],
    [['/bin/true'], /bad option/],
    [['-q', '/x', '--', '/bin/true'], /unknown option/],
    [['-s', '10', '--', '/bin/true'], /-s takes one digit/],
    [['-x', '/usr/bin/true', '--'], /usage/],
  ] as const) {
    const result = run([...args]);
    assert.equal(result.status, 120, JSON.stringify(args));
    assert.match(result.stderr, message);
  }
  // Outside a sandbox there is no mount namespace to enter without
  // privilege, or (as root) a Landlock ruleset without EXECUTE on /bin/true:
  // either way it fails closed at a later step, never 120.
  const later = run(['--', '/bin/true']);
  assert.notEqual(later.status, 120);
  assert.notEqual(later.status, 0);
});

test('Landlock is required: no ABI is E_SANDBOX_LANDLOCK with a hint; twin: ABI 1 or more is accepted', () => {
  assert.throws(() => requireLandlock(() => -38), (e) => isOctantError(e, 'E_SANDBOX_LANDLOCK') && e.message.includes('errno 38') && /doctor/.test(e.hint ?? ''));
  assert.throws(() => requireLandlock(() => { throw new Error('no ffi'); }), (e) => isOctantError(e, 'E_SANDBOX_LANDLOCK'));
  assert.equal(requireLandlock(() => 3), 3);
});
