// The trusted key set on disk: sealed by the machine key, 0600 files,
// revocation, and tampering refused (fail closed), each with a passing twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootLayout } from '../../runtime/paths.ts';
import { loadManifest } from './load.ts';
import { keyIdOf, loadPrivateKey, signManifest, verifyManifest } from './sign.ts';
import { addTrustedKey, generateOperatorKey, keysDir, loadTrustStore, revokeTrustedKey } from './trust.ts';

const coder = loadManifest({ path: new URL('../../../examples/manifests/coder.yaml', import.meta.url).pathname });

function withRoot(run: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'octant-trust-'));
  try { run(root); } finally { rmSync(root, { recursive: true, force: true }); }
}

test('generate writes a 0600 private key; the trusted key verifies, then stops once revoked', () => withRoot((root) => {
  const paths = rootLayout(root);
  const key = generateOperatorKey(paths, 'alice');
  assert.equal(statSync(key.privatePath).mode & 0o777, 0o600);
  const privateKey = loadPrivateKey(key.privatePath);
  addTrustedKey(paths, createPublicKey(privateKey), 'alice');
  assert.equal(statSync(join(keysDir(paths), 'trusted.json')).mode & 0o777, 0o600);
  const signed = signManifest(coder, privateKey);
  assert.equal(verifyManifest(signed, loadTrustStore(paths)), key.keyId);
  revokeTrustedKey(paths, 'alice', 'left the team');
  assert.throws(() => verifyManifest(signed, loadTrustStore(paths)), { code: 'E_MANIFEST_SIGNATURE', message: /revoked/ });
  assert.throws(() => addTrustedKey(paths, createPublicKey(privateKey), 'alice2'), { code: 'E_KEYS_REVOKED' });
  assert.throws(() => generateOperatorKey(paths, 'alice'), { code: 'E_KEYS_EXISTS' }, 'never overwrites a private key');
}));

test('an empty store trusts nothing', () => withRoot((root) => {
  const { privateKey } = generateKeyPairSync('ed25519');
  assert.throws(() => verifyManifest(signManifest(coder, privateKey), loadTrustStore(rootLayout(root))), { code: 'E_MANIFEST_SIGNATURE', message: /not in the trusted key set/ });
}));

test('a modified key set is refused: an added key, a removed revocation, a different machine', () => withRoot((root) => {
  const paths = rootLayout(root);
  const { publicKey } = generateKeyPairSync('ed25519');
  addTrustedKey(paths, publicKey, 'alice');
  revokeTrustedKey(paths, 'alice', 'test');
  const file = join(keysDir(paths), 'trusted.json');
  const original = readFileSync(file, 'utf8');
  assert.equal(loadTrustStore(paths).keys.length, 1, 'twin: the untouched set loads');

  const unrevoked = JSON.parse(original);
  delete unrevoked.keys[0].revokedAt;
  writeFileSync(file, JSON.stringify(unrevoked), { mode: 0o600 });
  assert.throws(() => loadTrustStore(paths), { code: 'E_KEYS_TAMPERED' });

  const intruder = generateKeyPairSync('ed25519').publicKey;
  const added = JSON.parse(original);
  added.keys.push({ keyId: keyIdOf(intruder), name: 'mallory', publicKey: intruder.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'), addedAt: added.keys[0].addedAt });
  writeFileSync(file, JSON.stringify(added), { mode: 0o600 });
  assert.throws(() => loadTrustStore(paths), { code: 'E_KEYS_TAMPERED' });

  writeFileSync(file, original, { mode: 0o600 });
  chmodSync(file, 0o666);
  assert.throws(() => loadTrustStore(paths), { code: 'E_KEYS_TAMPERED', message: /mode 666/ });
  chmodSync(file, 0o600);

  rmSync(join(paths.state, 'identity'), { recursive: true });
  assert.throws(() => loadTrustStore(paths), { code: 'E_KEYS_TAMPERED', message: /seal/ }, 'a set sealed by another machine key');
}));

test('a private key others can read is refused', () => withRoot((root) => {
  const key = generateOperatorKey(rootLayout(root), 'bob');
  chmodSync(key.privatePath, 0o644);
  assert.throws(() => loadPrivateKey(key.privatePath), { code: 'E_KEYS_PRIVATE', message: /mode 644/ });
}));
