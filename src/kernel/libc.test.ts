import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getpid, isChildSubreaper, landlockAbiVersion, libcAvailable, mount, seccompMode, setChildSubreaper, waitpidNoHang } from './libc.ts';
import { isOctantError } from '../lib/errors.ts';

const ECHILD = 10;

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
