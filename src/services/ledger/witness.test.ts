// Witness cosignatures in the C2SP tlog-cosignature/v1 format, checked byte
// by byte against the spec's layout, and the witness's refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawPublicKey } from '../../lib/raw-public-key.ts';
import { formatCheckpoint } from './checkpoint.ts';
import { MerkleTree, leafHash } from './merkle.ts';
import { parseNote, signNote, verifyNote, type NoteSigner } from './note.ts';
import { cosignNote, cosignerKeyId, formatCosignerKey, parseCosignerKey, verifyCosignature } from './witness-cosignature.ts';
import { loadWitness, witnessCheckpoint, witnessVerifierKey } from './witness.ts';

function signer(name: string): NoteSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { name, publicKeyRaw: rawPublicKey(createPublicKey(privateKey)), sign: (data) => sign(null, data, privateKey) };
}

const log = signer('octant.test/log');
const ORIGIN = 'octant.test/log';

function tree(leaves: string[]): MerkleTree {
  const t = new MerkleTree();
  for (const l of leaves) t.append(leafHash(Buffer.from(l)));
  return t;
}

function checkpointNote(t: MerkleTree, extensions: string[] = []): string {
  return signNote(formatCheckpoint({ origin: ORIGIN, size: t.size, root: t.root(), extensions }), log);
}

test('a cosignature is key ID (type 0x04) || big-endian u64 time || Ed25519 over "cosignature/v1\\ntime T\\n" + the whole body', () => {
  const w = signer('witness.test/w1');
  const note = checkpointNote(tree(['a', 'b', 'c']), ['ext line']);
  const cosigned = cosignNote(note, w, 1679315147);
  const { text, signatures } = parseNote(cosigned);
  assert.equal(signatures.length, 2);
  const line = cosigned.slice(note.length);
  assert.ok(line.startsWith('\u2014 witness.test/w1 ') && line.endsWith('\n'));
  const raw = Buffer.from(line.slice('\u2014 witness.test/w1 '.length, -1), 'base64');
  assert.equal(raw.length, 4 + 8 + 64);
  const id = createHash('sha256').update(Buffer.concat([Buffer.from('witness.test/w1\n'), Buffer.from([0x04]), w.publicKeyRaw])).digest().subarray(0, 4);
  assert.deepEqual(raw.subarray(0, 4), id);
  assert.equal(raw.readBigUInt64BE(4), 1679315147n);
  const message = Buffer.from(`cosignature/v1\ntime 1679315147\n${text}`);
  assert.ok(text.endsWith('ext line\n'), 'extension lines are part of the signed body');
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), w.publicKeyRaw]), format: 'der', type: 'spki' });
  assert.equal(verify(null, message, key, raw.subarray(12)), true);
  assert.deepEqual(verifyCosignature(cosigned, w), { name: 'witness.test/w1', timestamp: 1679315147 });
  // The log's own signature still verifies: the cosignature line is ignored by it.
  assert.equal(verifyNote(cosigned, log), text);
});

test("the spec's example cosignature line decodes to its example time", () => {
  // c2sp.org/tlog-cosignature example: the witness line's timestamp is the "time 1679315147" of its signed-message example.
  const raw = Buffer.from('jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==', 'base64');
  assert.equal(raw.length, 76);
  assert.equal(raw.readBigUInt64BE(4), 1679315147n);
});

test('a tampered body, time or signature does not verify; its positive twin does', () => {
  const w = signer('w1');
  const note = checkpointNote(tree(['a', 'b']));
  const cosigned = cosignNote(note, w, 1700000000);
  assert.equal(verifyCosignature(cosigned, w).timestamp, 1700000000);
  const line = cosigned.slice(note.length);
  const raw = Buffer.from(line.slice('\u2014 w1 '.length, -1), 'base64');
  const withRaw = (r: Buffer): string => `${note}\u2014 w1 ${r.toString('base64')}\n`;
  const laterTime = Buffer.from(raw);
  laterTime.writeBigUInt64BE(1700000001n, 4);
  assert.throws(() => verifyCosignature(withRaw(laterTime), w), { code: 'E_WITNESS_SIGNATURE' });
  const flipped = Buffer.from(raw);
  flipped[20] ^= 1;
  assert.throws(() => verifyCosignature(withRaw(flipped), w), { code: 'E_WITNESS_SIGNATURE' });
  const otherBody = cosigned.replace(`\n2\n`, `\n3\n`);
  assert.throws(() => verifyCosignature(otherBody, w), { code: 'E_WITNESS_SIGNATURE' });
  assert.throws(() => verifyCosignature(withRaw(raw.subarray(0, 70)), w), { code: 'E_WITNESS_SIGNATURE' });
});

test('a plain note signature by the witness key is not a cosignature, and a cosignature is not a note signature', () => {
  const w = signer('w1');
  const body = formatCheckpoint({ origin: ORIGIN, size: 1, root: tree(['a']).root(), extensions: [] });
  const plain = signNote(body, w); // key type 0x01, no time, no header
  assert.throws(() => verifyCosignature(plain, w), { code: 'E_WITNESS_SIGNATURE', message: /none by witness/ });
  const cosigned = cosignNote(signNote(body, log), w, 1);
  assert.throws(() => verifyNote(cosigned, w), { code: 'E_NOTE_SIGNATURE' });
  assert.throws(() => verifyCosignature(cosigned, signer('w1')), { code: 'E_WITNESS_SIGNATURE', message: /none by witness/ });
});

test('verifier keys: type 0x04 round-trips; a note key (0x01) or a wrong key ID is refused', () => {
  const w = signer('witness.test/w1');
  const vkey = formatCosignerKey(w);
  assert.match(vkey, new RegExp(`^witness\\.test/w1\\+${cosignerKeyId(w.name, w.publicKeyRaw).toString('hex')}\\+`));
  assert.deepEqual(parseCosignerKey(vkey), { name: w.name, publicKeyRaw: w.publicKeyRaw });
  const [name, id] = vkey.split('+');
  const noteKey = `${name}+${id}+${Buffer.concat([Buffer.from([0x01]), w.publicKeyRaw]).toString('base64')}`;
  assert.throws(() => parseCosignerKey(noteKey), { code: 'E_WITNESS_FORMAT' });
  assert.throws(() => parseCosignerKey(vkey.replace(`+${id}+`, '+00000000+')), { code: 'E_WITNESS_FORMAT', message: /does not match/ });
  assert.throws(() => formatCosignerKey({ name: 'has space', publicKeyRaw: w.publicKeyRaw }), { code: 'E_WITNESS_FORMAT' });
});

test('the witness cosigns consistent growth with its clock, and refuses rollback, forks and other origins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-witness-'));
  try {
    const witness = loadWitness(dir, 'w1');
    const key = parseCosignerKey(witnessVerifierKey(witness));
    const leaves = ['a', 'b', 'c', 'd'];
    const small = tree(leaves.slice(0, 2));
    const first = witnessCheckpoint(witness, checkpointNote(small), log, [], { now: () => 1000 });
    assert.equal(verifyCosignature(first, key).timestamp, 1000);
    const big = tree(leaves);
    const second = witnessCheckpoint(witness, checkpointNote(big), log, big.consistencyProof(2, 4), { now: () => 2000 });
    assert.equal(verifyCosignature(second, key).timestamp, 2000);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'witness.json'), 'utf8')), { origin: ORIGIN, size: 4, root: big.root().toString('base64') });
    // The state survives a reload.
    const again = loadWitness(dir, 'w1');
    assert.throws(() => witnessCheckpoint(again, checkpointNote(small), log, []), { code: 'E_WITNESS_ROLLBACK', exit: 4 });
    assert.throws(() => witnessCheckpoint(again, checkpointNote(tree(['a', 'b', 'c', 'x'])), log, []), { code: 'E_WITNESS_FORK' });
    const forkGrown = tree(['a', 'b', 'c', 'x', 'e']);
    assert.throws(() => witnessCheckpoint(again, checkpointNote(forkGrown), log, forkGrown.consistencyProof(4, 5)), { code: 'E_WITNESS_INCONSISTENT' });
    const other = signNote(formatCheckpoint({ origin: 'other/log', size: 5, root: forkGrown.root(), extensions: [] }), log);
    assert.throws(() => witnessCheckpoint(again, other, log, []), { code: 'E_WITNESS_ORIGIN' });
    // A note not signed by the log is never cosigned.
    assert.throws(() => witnessCheckpoint(again, signNote(formatCheckpoint({ origin: ORIGIN, size: 5, root: tree([...leaves, 'e']).root(), extensions: [] }), signer(ORIGIN)), log, []));
    // Positive twin of the rollback: honest growth from 4 is still accepted.
    const grown = tree([...leaves, 'e']);
    assert.equal(verifyCosignature(witnessCheckpoint(again, checkpointNote(grown), log, grown.consistencyProof(4, 5), { now: () => 3000 }), key).timestamp, 3000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
