import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../lib/errors.ts';
import { identityDir, loadOrCreateIdentity } from './identity.ts';
import { rootLayout } from './paths.ts';

// The TPM path itself runs against swtpm in the guest suite (boots 2 and 3,
// test/integration/guest/guest-boot.test.ts); here, what needs no TPM.

test('a key sealed to a TPM is refused on a machine without one; a --root identity is never sealed (software key)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-identity-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const absent = join(dir, 'no-tpm-here');
  // Twin first: a state root's identity is a software key, whatever TPM the host has.
  const software = loadOrCreateIdentity(rootLayout(join(dir, 'software')), absent);
  assert.equal(software.tpm, undefined);
  assert.match(software.fingerprint, /^[0-9a-f]{64}$/);
  // A data disk carrying a sealed key, on a machine with no TPM: refused, never a fresh key in its place.
  const paths = rootLayout(join(dir, 'sealed'));
  mkdirSync(identityDir(paths), { recursive: true });
  writeFileSync(join(identityDir(paths), 'identity.json'), JSON.stringify({ fingerprint: 'f'.repeat(64), publicKey: '', machineId: 'x', hostname: 'x', createdAt: '2026-12-03T00:00:00.000Z', tpm: { storageKeyName: '000b' } }));
  writeFileSync(join(identityDir(paths), 'machine.key.tpm'), JSON.stringify({ version: 1, storageKeyName: '000b', private: '', public: '' }), { mode: 0o600 });
  assert.throws(() => loadOrCreateIdentity(paths, absent), (e) => isOctantError(e, 'E_IDENTITY_TPM') && e.message.includes('sealed to a TPM'));
});
