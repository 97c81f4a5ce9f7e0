import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from '../../../lib/seeded-random.ts';
import { ExactIndex } from './exact-index.ts';
import { hashedEmbedding } from './hashed-embedding.ts';
import { HnswIndex } from './hnsw.ts';

const DIMS = 64;

/** Seeded sentences over a Zipf-like vocabulary: vectors shaped like T3's, not uniform noise. */
function dataset(n: number, seed: number): { texts: string[]; vectors: Float32Array[] } {
  const r = prng(seed);
  const vocab = Array.from({ length: 1500 }, (_, i) => `w${i.toString(36)}${Math.floor(r() * 1e4).toString(36)}`);
  const texts = Array.from({ length: n }, () => Array.from({ length: 6 + Math.floor(r() * 8) }, () => vocab[Math.floor(r() ** 2 * vocab.length)]).join(' '));
  return { texts, vectors: texts.map((t) => hashedEmbedding(t, DIMS)) };
}

function recallAt10(approx: HnswIndex, exact: ExactIndex, queries: Float32Array[]): number {
  let hit = 0;
  let total = 0;
  for (const q of queries) {
    const got = new Set(approx.search(q, 10).map((h) => h.id));
    for (const h of exact.search(q, 10)) {
      total++;
      if (got.has(h.id)) hit++;
    }
  }
  return hit / total;
}

const { vectors } = dataset(2500, 7);
const queries = dataset(100, 8).vectors;

test('HNSW recall@10 against the exact index on a seeded set is at least 0.9 (deterministic: seeded data and levels)', () => {
  const approx = new HnswIndex(DIMS, { seed: 1 });
  const exact = new ExactIndex(DIMS);
  vectors.forEach((v, i) => {
    approx.add(`m${i}`, v);
    exact.add(`m${i}`, v);
  });
  const recall = recallAt10(approx, exact, queries);
  assert.ok(recall >= 0.9, `recall@10 ${recall}`);
  // The same seed builds the same graph: the same answers.
  const again = new HnswIndex(DIMS, { seed: 1 });
  vectors.forEach((v, i) => again.add(`m${i}`, v));
  assert.deepEqual(again.search(queries[0], 10), approx.search(queries[0], 10));
  // A vector finds itself first.
  assert.equal(approx.search(vectors[42], 1)[0].id, 'm42');
});

test('remove is total: no list names the node, its slot is zeroed, it is never returned; recall holds; the entry point moves', () => {
  const approx = new HnswIndex(DIMS, { seed: 2 });
  const exact = new ExactIndex(DIMS);
  vectors.slice(0, 1200).forEach((v, i) => {
    approx.add(`m${i}`, v);
    exact.add(`m${i}`, v);
  });
  // Its twin first: before removal the traces are there.
  assert.deepEqual(approx.traces('m5', vectors[5]).length, 2);
  for (let i = 0; i < 1200; i += 3) {
    assert.equal(approx.remove(`m${i}`), true);
    exact.remove(`m${i}`);
  }
  assert.equal(approx.remove('m0'), false);
  assert.equal(approx.size, 800);
  for (let i = 0; i < 1200; i += 3) assert.deepEqual(approx.traces(`m${i}`, vectors[i]), [], `m${i}`);
  for (let i = 0; i < 1200; i += 3) assert.notEqual(approx.search(vectors[i], 10).map((h) => h.id).includes(`m${i}`), true);
  const recall = recallAt10(approx, exact, queries);
  assert.ok(recall >= 0.9, `recall@10 after removals ${recall}`);
  // Slots are reused; a re-added id is found again.
  approx.add('m3', vectors[3]);
  assert.equal(approx.search(vectors[3], 1)[0].id, 'm3');
  // Removing everything leaves an empty index that still works.
  for (const id of [...approx.ids()]) approx.remove(id);
  assert.deepEqual(approx.search(queries[0], 10), []);
  approx.add('again', vectors[1]);
  assert.deepEqual(approx.search(vectors[1], 5).map((h) => h.id), ['again']);
});

test('exportGraph/restore gives the same answers; a corrupt graph is refused', () => {
  const approx = new HnswIndex(DIMS, { seed: 3 });
  vectors.slice(0, 600).forEach((v, i) => approx.add(`m${i}`, v));
  approx.remove('m10');
  const { ids, vectors: vs, graph } = approx.exportGraph();
  assert.equal(ids.length, 599);
  const restored = HnswIndex.restore(DIMS, { seed: 3 }, ids, vs, graph);
  for (const q of queries.slice(0, 20)) assert.deepEqual(restored.search(q, 10), approx.search(q, 10));
  const bad = graph.slice();
  bad[5] = 99_999;
  assert.throws(() => HnswIndex.restore(DIMS, {}, ids, vs, bad), /hnsw snapshot/);
  assert.throws(() => HnswIndex.restore(DIMS, {}, ids, vs, graph.subarray(0, graph.length - 1)), /hnsw snapshot/);
});

test('the exact index: best first by dot product; remove leaves no copy in the matrix', () => {
  const exact = new ExactIndex(DIMS, 2);
  vectors.slice(0, 50).forEach((v, i) => exact.add(`m${i}`, v));
  const hits = exact.search(vectors[7], 5);
  assert.equal(hits[0].id, 'm7');
  assert.ok(hits.every((h, i) => i === 0 || hits[i - 1].score >= h.score));
  exact.remove('m7');
  assert.ok(!exact.search(vectors[7], 50).some((h) => h.id === 'm7'));
  assert.equal(exact.size, 49);
  assert.equal(exact.vector('m7'), undefined);
  assert.deepEqual(exact.search(vectors[7], 0), []);
  assert.throws(() => exact.add('x', new Float32Array(3)), /3 dims/);
});
