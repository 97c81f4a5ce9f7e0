import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EARLY_MOUNTS, mountMissing, mountPoints } from './mounts.ts';
import { silentLogger } from '../log.ts';
import { isOctantError } from '../../lib/errors.ts';

const MOUNTINFO = [
  '22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
  '23 1 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw',
  '40 1 0:40 / /mnt/with\\040space rw - tmpfs tmpfs rw',
].join('\n');

test('mountPoints reads field 5 of mountinfo and undoes its octal escapes', () => {
  const points = mountPoints(MOUNTINFO);
  assert.ok(points.has('/proc') && points.has('/sys') && points.has('/mnt/with space'));
  assert.ok(!points.has('/dev') && !points.has('/run'));
});

test('every early mount has its own error code', () => {
  assert.deepEqual(EARLY_MOUNTS.map((m) => m.target), ['/proc', '/sys', '/dev', '/run', '/sys/fs/cgroup']);
  assert.equal(new Set(EARLY_MOUNTS.map((m) => m.code)).size, EARLY_MOUNTS.length);
});

test('mountMissing skips what is mounted already and fails with the step\'s code', () => {
  // /proc is a mount point in any test environment: nothing happens.
  assert.deepEqual(mountMissing([EARLY_MOUNTS[0]], silentLogger), []);
  const dir = mkdtempSync(join(tmpdir(), 'octant-mounts-'));
  try {
    assert.throws(() => mountMissing([{ target: join(dir, 'x'), fstype: 'no-such-fs', source: 'none', flags: 0, code: 'E_INIT_MOUNT_RUN' }], silentLogger),
      (e) => isOctantError(e, 'E_INIT_MOUNT_RUN'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
