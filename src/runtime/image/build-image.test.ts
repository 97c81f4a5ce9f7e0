import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import { buildImage } from './build-image.ts';
import { resolveModules } from './kernel-modules.ts';

// What a successful build gives is checked by booting it
// (test/integration/guest/guest-boot.test.ts); here, what is refused before
// anything is written.

function inputs(kernelDir: string, out: string) {
  return { kernelDir, out, executable: '/bin/true', bwrap: '/bin/true', caCertificates: '/dev/null', epoch: 0 };
}

test('a kernel directory without exactly one boot/vmlinuz-* is refused, naming --kernel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-image-'));
  try {
    assert.throws(() => buildImage(inputs(dir, join(dir, 'out'))), (e) => isOctantError(e, 'E_IMAGE_INPUT') && e.message.includes('--kernel'));
    mkdirSync(join(dir, 'boot'));
    writeFileSync(join(dir, 'boot', 'vmlinuz-6.1.0-1-amd64'), '');
    // Twin of the first half: the kernel is found, now its modules are missing.
    assert.throws(() => buildImage(inputs(dir, join(dir, 'out'))), (e) => isOctantError(e, 'E_IMAGE_INPUT') && e.message.includes('lib/modules/6.1.0-1-amd64'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a module that is neither in the package nor built in is refused, naming who needs it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-modules-'));
  try {
    mkdirSync(join(dir, 'kernel'));
    writeFileSync(join(dir, 'modules.builtin'), 'kernel/fs/ext4/ext4.ko\n');
    assert.deepEqual(resolveModules(dir, ['ext4']), [], 'built in: nothing to load');
    assert.throws(() => resolveModules(dir, ['dm-verity']), (e) => isOctantError(e, 'E_IMAGE_MODULE') && e.message.includes('dm-verity'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
