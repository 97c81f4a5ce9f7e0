import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AT_REMOVEDIR, getpid, isChildSubreaper, landlockAbiVersion, libcAvailable, mkdirat, mount, O_CLOEXEC, O_PATH, openat2, RESOLVE, seccompMode, setChildSubreaper, setThreadFsCredentials, unlinkat, waitpidNoHang } from './libc.ts';
import { isOctantError } from '../lib/errors.ts';

const ECHILD = 10;
const ENOENT = 2;
const EEXIST = 17;
const EXDEV = 18;
const ELOOP = 40;

test('libc is reachable through node:ffi and getpid agrees with Node', () => {
  assert.deepEqual(libcAvailable(), { ok: true });
  assert.equal(getpid(), process.pid);
});

test('waitpid on a pid that is not our child fails with ECHILD instead of waiting', () => {
  assert.equal(waitpidNoHang(1), -ECHILD);
  assert.throws(() => waitpidNoHang(-1), (e) => isOctantError(e, 'E_LIBC_ARGUMENT'));
  assert.throws(() => waitpidNoHang(0), (e) => isOctantError(e, 'E_LIBC_ARGUMENT'));
});

test('the child-subreaper flag can be set and read back', () => {
  const before = isChildSubreaper();
  try {
    setChildSubreaper(true);
    assert.equal(isChildSubreaper(), true);
    setChildSubreaper(false);
    assert.equal(isChildSubreaper(), false);
  } finally {
    setChildSubreaper(before);
  }
});

test('seccomp mode and the Landlock ABI are numbers the kernel reports', () => {
  assert.ok([0, 1, 2].includes(seccompMode()) || seccompMode() < 0);
  const abi = landlockAbiVersion();
  assert.ok(Number.isInteger(abi) && abi !== 0, `landlock ABI ${abi}`);
});

test('a failing mount carries the step\'s error code and strerror, and mounts nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-libc-'));
  try {
    assert.throws(() => mount('none', join(dir, 'missing'), 'tmpfs', 0, undefined, 'E_TEST_MOUNT'),
      (e) => isOctantError(e, 'E_TEST_MOUNT') && /No such file or directory/.test(e.message) && e.detail?.errno === 2);
    assert.throws(() => mount('none', dir, 'no-such-filesystem-type', 0, undefined, 'E_TEST_MOUNT'),
      (e) => isOctantError(e, 'E_TEST_MOUNT') && /no-such-filesystem-type/.test(e.message));
    assert.throws(() => mount('none', `${dir}\0x`, 'tmpfs', 0, undefined, 'E_TEST_MOUNT'), (e) => isOctantError(e, 'E_LIBC_ARGUMENT'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openat2 beneath a directory: opens plain names, refuses links and escapes with their errno', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-libc-'));
  try {
    writeFileSync(join(dir, 'file'), 'x');
    symlinkSync('file', join(dir, 'link'));
    const root = openat2(undefined, dir, O_PATH | O_CLOEXEC | constants.O_DIRECTORY, 0, RESOLVE.NO_SYMLINKS);
    assert.ok(root >= 0, `root fd ${root}`);
    const beneath = RESOLVE.BENEATH | RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS;
    const fd = openat2(root, 'file', constants.O_RDONLY | O_CLOEXEC, 0, beneath);
    assert.ok(fd >= 0);
    assert.equal(readFileSync(fd, 'utf8'), 'x');
    closeSync(fd);
    assert.equal(openat2(root, 'link', constants.O_RDONLY, 0, beneath), -ELOOP);
    assert.equal(openat2(root, '../x', constants.O_RDONLY, 0, beneath), -EXDEV);
    assert.equal(openat2(root, 'missing', constants.O_RDONLY, 0, beneath), -ENOENT);
    assert.equal(mkdirat(root, 'sub', 0o755), 0);
    assert.equal(mkdirat(root, 'sub', 0o755), -EEXIST);
    assert.equal(unlinkat(root, 'link', 0), 0);
    assert.equal(readFileSync(join(dir, 'file'), 'utf8'), 'x', 'unlinkat removed the link, not its target');
    assert.equal(unlinkat(root, 'sub', AT_REMOVEDIR), 0);
    closeSync(root);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the buffers of an openat2 call stay alive once the call site is optimised (many calls, garbage in between)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-libc-'));
  try {
    writeFileSync(join(dir, 'file'), 'x');
    const root = openat2(undefined, dir, O_PATH | O_CLOEXEC | constants.O_DIRECTORY, 0, 0);
    const failures = new Map<number, number>();
    let garbage: unknown[] = [];
    for (let i = 0; i < 30_000; i++) {
      const fd = openat2(root, 'file', constants.O_RDONLY | O_CLOEXEC, 0, RESOLVE.BENEATH | RESOLVE.NO_SYMLINKS);
      if (fd >= 0) closeSync(fd);
      else failures.set(fd, (failures.get(fd) ?? 0) + 1);
      garbage.push(Buffer.alloc(64), { i });
      if (garbage.length > 2000) garbage = [];
    }
    closeSync(root);
    assert.deepEqual([...failures], []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the thread\'s filesystem credentials switch and switch back (root only)', { skip: process.geteuid?.() === 0 ? false : 'needs root' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-libc-'));
  try {
    writeFileSync(join(dir, 'root-only'), 'secret', { mode: 0o600 });
    const groups = process.getgroups!();
    assert.equal(setThreadFsCredentials(61237, 61237, []), true);
    let denied: string | undefined;
    try {
      readFileSync(join(dir, 'root-only'));
    } catch (error) {
      denied = (error as NodeJS.ErrnoException).code;
    } finally {
      assert.equal(setThreadFsCredentials(0, 0, groups), true);
    }
    assert.equal(denied, 'EACCES');
    assert.equal(readFileSync(join(dir, 'root-only'), 'utf8'), 'secret');
    assert.deepEqual(process.getgroups!(), groups);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
