import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createPrefixedHash, hashRange } from './sha256.ts';
import { MerkleTree } from './merkle.ts';

const reference = (prefix: number, bytes: Uint8Array): Buffer => createHash('sha256').update(Buffer.from([prefix])).update(bytes).digest();

for (const [name, force] of [['OpenSSL through node:ffi (or its fallback)', false], ['crypto.hash fallback', true]] as const) {
  test(`${name}: SHA-256(prefix || bytes) matches createHash at every padding boundary and offset`, () => {
    const h = createPrefixedHash(force);
    const src = randomBytes(20_000);
    const out = Buffer.alloc(40);
    // 0..300 covers the 55/56/63/64-byte padding edges several times; 17_000 outgrows the 8 KiB scratch.
    for (const len of [...Array.from({ length: 300 }, (_, i) => i), 17_000]) {
      for (const start of [0, 5]) {
        h(len % 2, src, start, start + len, out, 3);
        assert.deepEqual(out.subarray(3, 35), reference(len % 2, src.subarray(start, start + len)), `length ${len} at ${start}`);
      }
    }
    // After the scratch buffer grew (new block addresses), short inputs still hash right.
    for (const len of [0, 55, 64, 200]) {
      h(1, src, 7, 7 + len, out, 0);
      assert.deepEqual(out.subarray(0, 32), reference(1, src.subarray(7, 7 + len)), `length ${len} after growth`);
    }
    // A plain Uint8Array (not a Buffer) hashes the same.
    const plain = new Uint8Array(src.subarray(0, 100));
    h(0, plain, 10, 90, out, 0);
    assert.deepEqual(out.subarray(0, 32), reference(0, plain.subarray(10, 90)));
  });
}

test('the OpenSSL hasher differs from a wrong prefix and from a changed byte (negative twins)', () => {
  const h = createPrefixedHash();
  const src = Buffer.from('ledger entry bytes');
  const a = Buffer.alloc(32);
  const b = Buffer.alloc(32);
  h(0, src, 0, src.length, a, 0);
  h(1, src, 0, src.length, b, 0);
  assert.notDeepEqual(a, b);
  src[3]! ^= 1;
  h(0, src, 0, src.length, b, 0);
  assert.notDeepEqual(a, b);
});

test('hashRange over aligned chunks builds the same levels as MerkleTree appends', () => {
  const h = createPrefixedHash();
  const n = 37;
  const payloads = Array.from({ length: n }, (_, i) => randomBytes(10 + i));
  const buf = Buffer.concat(payloads);
  const starts = new Int32Array(n);
  const lengths = new Int32Array(n);
  let at = 0;
  payloads.forEach((p, i) => {
    starts[i] = at;
    lengths[i] = p.length;
    at += p.length;
  });
  const counts: number[] = [];
  for (let c = n; c >= 1; c = Math.floor(c / 2)) counts.push(c);
  const levels = counts.map((c) => Buffer.alloc(c * 32));
  // Chunks of 8 (top level 3), the last one ragged; then the levels above, as hashTree does.
  for (let from = 0; from < n; from += 8) hashRange(h, buf, starts, lengths, levels, from, Math.min(n, from + 8), 3);
  for (let lv = 4; lv < levels.length; lv++) for (let j = 0; j < counts[lv]!; j++) h(1, levels[lv - 1]!, 64 * j, 64 * j + 64, levels[lv]!, 32 * j);
  const expected = new MerkleTree();
  for (const p of payloads) expected.append(reference(0, p));
  const built = MerkleTree.fromLevels(levels, n);
  for (const size of [1, 2, 7, 8, 9, 16, 33, 37]) assert.deepEqual(built.root(size), expected.root(size), `root of ${size}`);
  assert.deepEqual(built.inclusionProof(20), expected.inclusionProof(20));
  assert.throws(() => MerkleTree.fromLevels(levels.slice(0, 2), n), /level 2/);
});

const ffiReason = process.getBuiltinModule('node:ffi') === undefined ? 'node:ffi is not built into this Node' : false;

test('with node:ffi the OpenSSL path is the one chosen (it passed its FIPS 180-2 known-answer tests)', { skip: ffiReason }, () => {
  assert.equal(createPrefixedHash().name, 'viaOpenSsl');
  assert.equal(createPrefixedHash(true).name, 'viaNodeCrypto');
});
