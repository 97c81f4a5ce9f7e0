import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePaths, rootLayout, adminSocketPath } from './paths.ts';

test('--root wins over OCTANT_ROOT and both over the default', () => {
  assert.equal(resolvePaths({ rootFlag: '/tmp/a', env: { OCTANT_ROOT: '/tmp/b' }, pid: 42 }).root, '/tmp/a');
  assert.equal(resolvePaths({ env: { OCTANT_ROOT: '/tmp/b' }, pid: 42 }).root, '/tmp/b');
  assert.equal(resolvePaths({ env: { HOME: '/home/x' }, pid: 42 }).root, '/home/x/.octant');
});

test('PID 1 without an explicit root uses the system layout', () => {
  const p = resolvePaths({ env: {}, pid: 1 });
  assert.equal(p.layout, 'system');
  assert.equal(p.etc, '/etc/octant');
  assert.equal(p.state, '/var/lib/octant');
  assert.equal(p.models, '/data/models');
});

test('a state root holds every directory', () => {
  const p = rootLayout('/srv/o');
  for (const dir of [p.etc, p.state, p.log, p.opt, p.models, p.run]) assert.ok(dir.startsWith('/srv/o/'));
  assert.equal(adminSocketPath(p), '/srv/o/run/admin.sock');
});

test('a NUL byte in the root is refused', () => {
  assert.throws(() => rootLayout('/tmp/\0x'), /E_PATHS_ROOT|NUL/);
});
