import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { rawPublicKey } from './raw-public-key.ts';

test('the raw key is the last 32 bytes of the SPKI DER, for public and private key objects', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spkiTail = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  assert.deepEqual(rawPublicKey(publicKey), spkiTail);
  assert.deepEqual(rawPublicKey(createPublicKey(privateKey)), spkiTail);
});

test('a key of another type is refused', () => {
  const { publicKey } = generateKeyPairSync('x25519');
  assert.throws(() => rawPublicKey(publicKey), { code: 'E_KEY_TYPE' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  assert.throws(() => rawPublicKey(ec), { code: 'E_KEY_TYPE' });
});
