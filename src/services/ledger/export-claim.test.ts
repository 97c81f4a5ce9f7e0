import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { formatCheckpoint, openCheckpoint } from './checkpoint.ts';
import { openClaim, signClaim, type ExportClaim } from './export-claim.ts';
import { signNote, type NoteSigner } from './note.ts';

function testSigner(name = 'test/ledger'): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, publicKeyRaw: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32), sign: (d) => sign(null, d, privateKey) };
}

const root = createHash('sha256').update('root').digest();
const digest = createHash('sha256').update('leaves').digest();

test('a claim round-trips for each scope, an AID with odd characters included', () => {
  const signer = testSigner();
  for (const scope of [{ kind: 'all' }, { kind: 'filtered' }, { kind: 'agent', agent: 'agt_01 "quoted"\n' }] as const) {
    const claim: ExportClaim = { size: 12, root, scope, entries: 5, digest };
    assert.deepEqual(openClaim(signClaim(claim, signer), signer), claim);
  }
});

test('a claim and a checkpoint can never stand in for each other', () => {
  const signer = testSigner();
  const checkpoint = signNote(formatCheckpoint({ origin: signer.name, size: 12, root, extensions: [] }), signer);
  assert.throws(() => openClaim(checkpoint, signer), { code: 'E_LEDGER_EXPORT', message: /not an octant-ledger-export\/v1 claim/ });
  const claim = signClaim({ size: 12, root, scope: { kind: 'all' }, entries: 12, digest }, signer);
  assert.throws(() => openCheckpoint(claim, signer), { code: 'E_CHECKPOINT_FORMAT' });
  // Working twin: each opens as what it is.
  assert.equal(openCheckpoint(checkpoint, signer).size, 12);
  assert.equal(openClaim(claim, signer).entries, 12);
});

test('a claim by another key, or with a malformed field under a valid signature, is refused', () => {
  const signer = testSigner();
  const claim = signClaim({ size: 3, root, scope: { kind: 'all' }, entries: 3, digest }, signer);
  assert.throws(() => openClaim(claim, testSigner()), { code: 'E_NOTE_SIGNATURE' });
  const signed = (text: string): string => signNote(text, signer);
  const good = ['octant-ledger-export/v1', `checkpoint 3 ${root.toString('base64')}`, 'scope all', 'entries 3', `digest ${digest.toString('base64')}`, ''];
  const bad: Array<[number, string, RegExp]> = [
    [1, 'checkpoint 3', /checkpoint root is not 32 bytes/],
    [1, `checkpoint 03 ${root.toString('base64')}`, /checkpoint size '03'/],
    [1, `checkpoint 3 ${root.toString('base64')} extra`, /more than a size and a root/],
    [2, 'scope agent', /scope 'agent' is not/],
    [2, 'scope agent ""', /scope 'agent ""' is not/],
    [2, 'scope everything', /scope 'everything'/],
    [3, 'entries -1', /entry count '-1'/],
    [4, 'digest AAAA', /digest is not 32 bytes/],
    [3, 'count 3', /line 4 should start with 'entries '/],
  ];
  for (const [line, text, pattern] of bad) {
    const lines = [...good];
    lines[line] = text;
    assert.throws(() => openClaim(signed(lines.join('\n')), signer), { code: 'E_LEDGER_EXPORT', message: pattern }, text);
  }
  assert.equal(openClaim(signed(good.join('\n')), signer).entries, 3);
});
