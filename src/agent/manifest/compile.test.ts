// Compilation of the sample manifests, compared with the snapshots committed
// beside this test (compile.snapshots/*.json). A difference or a missing
// snapshot fails; to accept an intended change run the test once with
// OCTANT_UPDATE_SNAPSHOTS=1 and commit the new files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { compileToPolicy } from './compile.ts';
import { loadManifest } from './load.ts';
import type { Manifest } from './schema.ts';

const AGENT = { uid: 200_001, gid: 200_000 };

const snapshots = new URL('./compile.snapshots/', import.meta.url);

for (const name of ['researcher', 'coder', 'web-agent']) {
  test(`${name}: the compiled policy matches its snapshot`, () => {
    const manifest = loadManifest({ path: new URL(`../../../examples/manifests/${name}.yaml`, import.meta.url).pathname });
    const policy = compileToPolicy(manifest, `aid-${name}`, AGENT);
    const file = new URL(`${name}.json`, snapshots);
    const text = `${JSON.stringify(policy, null, 2)}\n`;
    if (process.env.OCTANT_UPDATE_SNAPSHOTS === '1') { mkdirSync(snapshots, { recursive: true }); writeFileSync(file, text); }
    assert.ok(existsSync(file), `snapshot ${file.pathname} is missing`);
    assert.equal(text, readFileSync(file, 'utf8'));
  });
}

const base = loadManifest({ path: new URL('../../../examples/manifests/coder.yaml', import.meta.url).pathname });

test('read paths under a write path do not become read-only binds; binds are sorted parent first', () => {
  const m: Manifest = { ...base, filesystem: { read: ['/workspace/docs', '/data'], write: ['/workspace', '/data/out'] } };
  assert.deepEqual(compileToPolicy(m, 'x', AGENT).binds, [
    { source: '/data', target: '/data', mode: 'ro' },
    { source: '/data/out', target: '/data/out', mode: 'rw' },
    { source: '/workspace', target: '/workspace', mode: 'rw' },
  ]);
});

test('the permanent deny list is subtracted even from a manifest that slipped past validation', () => {
  const policy = compileToPolicy({ ...base, syscalls: ['ptrace', 'read', 'mount', 'write'] }, 'x', AGENT);
  assert.deepEqual(policy.syscalls, ['read', 'write']);
});

test('no destinations means no inet sockets; unlimited TTL compiles to null', () => {
  const policy = compileToPolicy({ ...base, network: { destinations: [] }, lifetime: { ttl: 'unlimited', onExpiry: 'terminate' } }, 'x', AGENT);
  assert.equal(policy.inet, false);
  assert.equal(policy.ttlSeconds, null);
  assert.equal(compileToPolicy(base, 'x', AGENT).inet, true);
});
