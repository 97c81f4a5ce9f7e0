import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMPTY_ROOT, Frontier, MerkleTree, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './merkle.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// The vectors and their licence are kept in the repository (test/fixtures/rfc6962/README.md).
const vectors = join(repoRoot, 'test', 'fixtures', 'rfc6962');

function* jsonFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* jsonFiles(path);
    else if (name.endsWith('.json')) yield path;
  }
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const outcome = (fn: () => void): boolean => {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
};

// The reference tree of the vectors' README.
const REFERENCE_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const REFERENCE_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

test('reference tree roots for sizes 0..8', () => {
  const tree = new MerkleTree();
  assert.equal(tree.root().toString('hex'), REFERENCE_ROOTS[0]);
  assert.equal(EMPTY_ROOT.toString('hex'), REFERENCE_ROOTS[0]);
  REFERENCE_LEAVES.forEach((hex, i) => {
    tree.append(leafHash(Buffer.from(hex, 'hex')));
    assert.equal(tree.root().toString('hex'), REFERENCE_ROOTS[i + 1], `size ${i + 1}`);
  });
  for (let size = 0; size <= 8; size++) assert.equal(tree.root(size).toString('hex'), REFERENCE_ROOTS[size]);
});

test('inclusion vectors: accept exactly the wantErr:false cases', () => {
  let accepted = 0;
  let refused = 0;
  for (const file of jsonFiles(join(vectors, 'inclusion'))) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean };
    const failed = outcome(() => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash ?? ''), (v.proof ?? []).map(b64), b64(v.root ?? '')));
    assert.equal(failed, v.wantErr, file);
    if (failed) refused++;
    else accepted++;
  }
  assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
});

test('consistency vectors: accept exactly the wantErr:false cases', () => {
  let accepted = 0;
  let refused = 0;
  for (const file of jsonFiles(join(vectors, 'consistency'))) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean };
    const failed = outcome(() => verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1 ?? ''), b64(v.root2 ?? '')));
    assert.equal(failed, v.wantErr, file);
    if (failed) refused++;
    else accepted++;
  }
  assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
});

// Naive MTH straight from RFC 6962 §2.1, to check the tree's shortcuts.
function naiveRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

test('property: every generated proof verifies, every altered one is refused (sizes 1..70)', () => {
  const tree = new MerkleTree();
  const leaves: Buffer[] = [];
  for (let n = 1; n <= 70; n++) {
    const leaf = leafHash(Buffer.from(`entry ${n}`));
    leaves.push(leaf);
    tree.append(leaf);
    assert.deepEqual(tree.root(), naiveRoot(leaves), `root of ${n}`);
  }
  for (let size = 1; size <= 70; size += 3) {
    const root = tree.root(size);
    for (let i = 0; i < size; i++) {
      const proof = tree.inclusionProof(i, size);
      verifyInclusion(i, size, tree.leaf(i), proof, root);
      // Negative twins: wrong index, wrong leaf, flipped proof byte.
      if (size > 1) assert.throws(() => verifyInclusion((i + 1) % size, size, tree.leaf(i), proof, root), /E_LEDGER|proof/);
      assert.throws(() => verifyInclusion(i, size, leafHash(Buffer.from('forged')), proof, root));
      if (proof.length > 0) {
        const bad = proof.map((p) => Buffer.from(p));
        bad[0]![0]! ^= 1;
        assert.throws(() => verifyInclusion(i, size, tree.leaf(i), bad, root));
      }
    }
    for (let size1 = 1; size1 <= size; size1++) {
      const proof = tree.consistencyProof(size1, size);
      verifyConsistency(size1, size, proof, tree.root(size1), root);
      if (size1 < size) {
        assert.throws(() => verifyConsistency(size1, size, proof, tree.root(size1 + 1), root));
        assert.throws(() => verifyConsistency(size1, size, proof.slice(1), tree.root(size1), root));
      }
    }
  }
});

test('proof requests outside the tree are refused with E_LEDGER_PROOF', () => {
  const tree = new MerkleTree();
  tree.append(leafHash(Buffer.from('a')));
  assert.throws(() => tree.inclusionProof(1, 1), { code: 'E_LEDGER_PROOF' });
  assert.throws(() => tree.root(2), { code: 'E_LEDGER_PROOF' });
  assert.throws(() => tree.consistencyProof(0, 1), { code: 'E_LEDGER_PROOF' });
});

test('frontier: same roots as the full tree, rebuilt from its hashes', () => {
  const tree = new MerkleTree();
  const frontier = new Frontier();
  for (let n = 1; n <= 100; n++) {
    const leaf = leafHash(Buffer.from(`leaf ${n}`));
    tree.append(leaf);
    frontier.append(leaf);
    assert.deepEqual(frontier.root(), tree.root(), `size ${n}`);
    assert.deepEqual(tree.frontier().hashes(), frontier.hashes(), `size ${n}`);
  }
  const copy = new Frontier(100, frontier.hashes().map((h) => Buffer.from(h, 'hex')));
  copy.append(leafHash(Buffer.from('next')));
  tree.append(leafHash(Buffer.from('next')));
  assert.deepEqual(copy.root(), tree.root());
  assert.throws(() => new Frontier(7, []), { code: 'E_LEDGER_FRONTIER' });
});
