import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argon2Sync } from 'node:crypto';
import { aad, deriveKek, newKdfParams, open, randomKey, seal, KDF_DEFAULTS } from './crypto.ts';

test('Argon2id matches the RFC 9106 §5.3 test vector', () => {
  const tag = argon2Sync('argon2id', {
    message: Buffer.alloc(32, 0x01),
    nonce: Buffer.alloc(16, 0x02),
    secret: Buffer.alloc(8, 0x03),
    associatedData: Buffer.alloc(12, 0x04),
    passes: 3,
    memory: 32,
    parallelism: 4,
    tagLength: 32,
  });
  assert.equal(Buffer.from(tag).toString('hex'), '0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659');
});

test('deriveKek is Argon2id with the stored parameters (the RFC 9106 second recommended option by default)', async () => {
  const params = newKdfParams({ memoryKiB: 64, passes: 3, parallelism: 4 });
  assert.equal(Buffer.from(params.salt, 'base64').length, 16);
  const expected = argon2Sync('argon2id', { message: Buffer.from('pw'), nonce: Buffer.from(params.salt, 'base64'), passes: 3, memory: 64, parallelism: 4, tagLength: 32 });
  assert.deepEqual(await deriveKek(Buffer.from('pw'), params), Buffer.from(expected));
  assert.notDeepEqual(await deriveKek(Buffer.from('pW'), params), Buffer.from(expected));
  assert.deepEqual(KDF_DEFAULTS, { passes: 3, memoryKiB: 65536, parallelism: 4 });
  assert.notEqual(newKdfParams().salt, newKdfParams().salt);
});

test('AES-256-GCM: a flipped bit anywhere, a wrong key or another AAD fails; the untouched box opens', () => {
  const key = randomKey();
  const box = seal(key, Buffer.from('the secret value'), aad.value('a', 1));
  assert.equal(open(key, box, aad.value('a', 1))?.toString(), 'the secret value');
  for (const field of ['iv', 'ct', 'tag'] as const) {
    const bytes = Buffer.from(box[field], 'base64');
    bytes[bytes.length - 1] ^= 0x80;
    assert.equal(open(key, { ...box, [field]: bytes.toString('base64') }, aad.value('a', 1)), null, field);
  }
  assert.equal(open(randomKey(), box, aad.value('a', 1)), null);
  assert.equal(open(key, box, aad.value('b', 1)), null, 'another name');
  assert.equal(open(key, box, aad.value('a', 2)), null, 'another version');
  assert.equal(open(key, box, aad.dataKey('a', 1)), null, 'another kind');
  assert.equal(open(key, { ...box, tag: '' }, aad.value('a', 1)), null, 'truncated tag');
  assert.notEqual(seal(key, Buffer.from('x'), 'x').iv, seal(key, Buffer.from('x'), 'x').iv, 'fresh IV per encryption');
});
