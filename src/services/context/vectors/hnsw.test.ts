import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from '../../../lib/seeded-random.ts';
import { gaussianMixture, recallAt } from '../testing/vector-sets.ts';
import { ExactIndex } from './exact-index.ts';
import { hashedEmbedding } from './hashed-embedding.ts';
import { HnswIndex } from './hnsw.ts';
import { VectorArena } from './vector-arena.ts';

const DIMS = 64;

/** Seeded sentences over a Zipf-like vocabulary: vectors shaped like T3's, not uniform noise. */
function dataset(n: number, seed: number): { texts: string[]; vectors: Float32Array[] } {
  const r = prng(seed);
  const vocab = Array.from({ length: 1500 }, (_, i) => `w${i.toString(36)}${Math.floor(r() * 1e4).toString(36)}`);
  const texts = Array.from({ length: n }, () => Array.from({ length: 6 + Math.floor(r() * 8) }, () => vocab[Math.floor(r() ** 2 * vocab.length)]).join(' '));
  return { texts, vectors: texts.map((t) => hashedEmbedding(t, DIMS)) };
}

const rows = (flat: Float32Array, dims: number): Float32Array[] => Array.from({ length: flat.length / dims }, (_, i) => flat.subarray(i * dims, (i + 1) * dims));

/** Mean recall@10 of `approx` against `exact` by both measures (testing/vector-sets.ts recallAt). */
function recall(approx: HnswIndex, exact: ExactIndex, queries: Float32Array[]): { ids: number; distance: number } {
  let ids = 0;
  let distance = 0;
  for (const q of queries) {
    const r = recallAt(10, exact.search(q, 10), approx.search(q, 10));
    ids += r.ids;
    distance += r.distance;
  }
  return { ids: ids / queries.length, distance: distance / queries.length };
}

function both(vectors: Float32Array[], seed: number, dims = DIMS, options = {}): { approx: HnswIndex; exact: ExactIndex } {
  const approx = new HnswIndex(dims, { seed, ...options });
  const exact = new ExactIndex(dims);
  vectors.forEach((v, i) => {
    approx.add(`m${i}`, v);
    exact.add(`m${i}`, v);
  });
  return { approx, exact };
}

const { vectors } = dataset(2500, 7);
const queries = dataset(100, 8).vectors;

test('HNSW recall@10 against the exact index on seeded text vectors is at least 0.95 (deterministic: seeded data and levels)', () => {
  const { approx, exact } = both(vectors, 1);
  const r = recall(approx, exact, queries);
  assert.ok(r.ids >= 0.95, `recall@10 ${JSON.stringify(r)}`);
  // The same seed builds the same graph: the same answers.
  const again = both(vectors, 1).approx;
  assert.deepEqual(again.search(queries[0], 10), approx.search(queries[0], 10));
  // A vector finds itself first.
  assert.equal(approx.search(vectors[42], 1)[0].id, 'm42');
});

test('HNSW recall@10 on a clustered set (Gaussian mixture, 128 dims, skewed cluster sizes) is at least 0.95', () => {
  const mixture = gaussianMixture(128, 5, { clusters: 60 });
  const { approx, exact } = both(rows(mixture.sample(6000, 6), 128), 4, 128);
  const r = recall(approx, exact, rows(mixture.sample(150, 7), 128));
  assert.ok(r.ids >= 0.95 && r.distance >= 0.95, `recall@10 ${JSON.stringify(r)}`);
  // A small beam is measurably worse: the test can tell a good graph from a weak search.
  const narrow = HnswIndex.restore(128, { seed: 4, efSearch: 10 }, ...exportParts(approx, 128));
  const weak = recall(narrow, exact, rows(mixture.sample(150, 7), 128));
  assert.ok(weak.ids < r.ids, `efSearch 10 ${JSON.stringify(weak)} vs ${JSON.stringify(r)}`);
});

/** exportGraph's parts with the vectors restore() takes. */
function exportParts(index: HnswIndex, dims: number): [string[], Float32Array, Int32Array] {
  const { ids, graph } = index.exportGraph();
  const flat = new Float32Array(ids.length * dims);
  ids.forEach((id, i) => flat.set(index.vector(id)!, i * dims));
  return [ids, flat, graph];
}

test('many exact duplicates and near ties: one node per distinct vector, ties returned in insertion order like the exact index', () => {
  const r = prng(11);
  const base = dataset(400, 12).vectors;
  const set: Float32Array[] = [];
  // Each base vector 1 to 60 times (skewed), and a near twin (a tiny nudge) for every fifth.
  base.forEach((v, i) => {
    const copies = 1 + Math.floor(r() ** 4 * 60);
    for (let c = 0; c < copies; c++) set.push(v);
    if (i % 5 === 0) set.push(v.map((x, d) => x + (d === i % DIMS ? 1e-4 : 0)));
  });
  // Shuffled, so copies arrive interleaved as repeated memories do.
  for (let i = set.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [set[i], set[j]] = [set[j], set[i]];
  }
  const { approx, exact } = both(set, 13);
  assert.equal(approx.size, set.length);
  assert.equal(approx.nodes, 400 + 80);
  const ties = recall(approx, exact, [...base.slice(0, 100), ...queries]);
  assert.ok(ties.ids >= 0.95 && ties.distance >= 0.95, `recall@10 ${JSON.stringify(ties)}`);
  // The query equal to a much-repeated vector: the exact answer, ids and order, is all copies in insertion order.
  const q = set[0];
  assert.deepEqual(approx.search(q, 10).map((h) => h.id), exact.search(q, 10).map((h) => h.id));
  // Removing one copy keeps the others; removing every copy removes the node.
  const best = exact.search(q, 1)[0].score;
  const copies = exact.search(q, set.length).filter((h) => h.score === best).map((h) => h.id);
  const nodes = approx.nodes;
  approx.remove(copies[0]);
  assert.equal(approx.nodes, copies.length > 1 ? nodes : nodes - 1);
  assert.ok(!approx.search(q, 100).some((h) => h.id === copies[0]));
  for (const id of copies.slice(1)) approx.remove(id);
  assert.equal(approx.nodes, nodes - 1);
  assert.deepEqual(approx.traces(copies[0], q), []);
  assert.ok(!approx.search(q, 100).some((h) => copies.includes(h.id)));
});

test('remove is total: no list names the node, its slot is zeroed, it is never returned; recall holds; the entry point moves; re-add works', () => {
  const { approx, exact } = both(vectors.slice(0, 1200), 2);
  // Its twin first: before removal the traces are there.
  assert.deepEqual(approx.traces('m5', vectors[5]), ['id map', 'member list']);
  for (let i = 0; i < 1200; i += 3) {
    assert.equal(approx.remove(`m${i}`), true);
    exact.remove(`m${i}`);
  }
  assert.equal(approx.remove('m0'), false);
  assert.equal(approx.size, 800);
  for (let i = 0; i < 1200; i += 3) assert.deepEqual(approx.traces(`m${i}`, vectors[i]), [], `m${i}`);
  for (let i = 0; i < 1200; i += 3) assert.notEqual(approx.search(vectors[i], 10).map((h) => h.id).includes(`m${i}`), true);
  const r = recall(approx, exact, queries);
  assert.ok(r.ids >= 0.95, `recall@10 after removals ${JSON.stringify(r)}`);
  // Slots are reused; a re-added id is found again; re-adding the same vector changes nothing.
  approx.add('m3', vectors[3]);
  approx.add('m3', vectors[3]);
  assert.equal(approx.search(vectors[3], 1)[0].id, 'm3');
  assert.equal(approx.size, 801);
  // Removing everything leaves an empty index that still works.
  for (const id of [...approx.ids()]) approx.remove(id);
  assert.deepEqual(approx.search(queries[0], 10), []);
  assert.equal(approx.nodes, 0);
  approx.add('again', vectors[1]);
  assert.deepEqual(approx.search(vectors[1], 5).map((h) => h.id), ['again']);
});

test('a saved and restored graph answers exactly as the built one, keeps working after adds and removals; a corrupt graph is refused', () => {
  const { approx, exact } = both(vectors.slice(0, 1500), 3);
  approx.remove('m10');
  approx.add('dup', vectors[20]);
  const [ids, flat, graph] = exportParts(approx, DIMS);
  assert.equal(ids.length, 1500);
  const restored = HnswIndex.restore(DIMS, { seed: 3 }, ids, flat, graph);
  assert.equal(restored.nodes, approx.nodes);
  for (const q of queries) assert.deepEqual(restored.search(q, 10), approx.search(q, 10));
  // In another order (the store's row order): the same answers.
  const shuffled = [...ids].reverse();
  const reordered = new Float32Array(flat.length);
  shuffled.forEach((id, i) => reordered.set(approx.vector(id)!, i * DIMS));
  const again = HnswIndex.restore(DIMS, { seed: 3 }, shuffled, reordered, approx.exportGraph(shuffled).graph);
  for (const q of queries.slice(0, 20)) assert.deepEqual(again.search(q, 10), approx.search(q, 10));
  // Both go on identically.
  for (const index of [approx, restored]) {
    index.remove('m11');
    index.add('late', vectors[2000]);
  }
  exact.remove('m10');
  exact.remove('m11');
  exact.add('dup', vectors[20]);
  exact.add('late', vectors[2000]);
  assert.ok(recall(restored, exact, queries).ids >= 0.95);
  for (const q of queries.slice(0, 20)) assert.deepEqual(restored.search(q, 10), approx.search(q, 10));
  const bad = graph.slice();
  bad[8] = 99_999;
  assert.throws(() => HnswIndex.restore(DIMS, {}, ids, flat, bad), /hnsw snapshot/);
  assert.throws(() => HnswIndex.restore(DIMS, {}, ids, flat, graph.subarray(0, graph.length - 1)), /hnsw snapshot/);
  // The earlier format (no magic word) and a graph for larger lists than these options allow: rebuilt, not misread.
  assert.throws(() => HnswIndex.restore(DIMS, {}, ids, flat, graph.subarray(1)), /hnsw snapshot/);
  assert.throws(() => HnswIndex.restore(DIMS, { m: 4 }, ids, flat, graph), /hnsw snapshot: node \d+ level \d+: \d+ links/);
  assert.throws(() => approx.exportGraph(['m0']), /order/);
});

test('the SIMD kernel and the plain JavaScript fallback give the same dot products (to float rounding)', () => {
  for (const dims of [13, 64, 256]) {
    const simd = new VectorArena(dims, 4);
    const js = new VectorArena(dims, 4, false);
    const r = prng(dims);
    const a = Float32Array.from({ length: dims }, () => r() - 0.5);
    const b = Float32Array.from({ length: dims }, () => r() - 0.5);
    let expected = 0;
    for (let i = 0; i < dims; i++) expected += a[i] * b[i];
    for (const arena of [simd, js]) {
      arena.reserve(40);
      arena.set(1, a);
      arena.set(39, b);
      assert.ok(Math.abs(arena.dot(1, 39) - expected) < 1e-5, `${dims} dims simd=${arena.simd}: ${arena.dot(1, 39)} vs ${expected}`);
      assert.deepEqual([...arena.view(39)], [...b]);
      arena.clear(39);
      assert.equal(arena.dot(1, 39), 0);
    }
    assert.equal(simd.simd, true, 'Node has WebAssembly SIMD');
  }
});

test('the exact index: best first by dot product, ties by insertion order; remove leaves no copy in the matrix', () => {
  const exact = new ExactIndex(DIMS, 2);
  vectors.slice(0, 50).forEach((v, i) => exact.add(`m${i}`, v));
  for (let i = 0; i < 30; i++) exact.add(`copy${i}`, vectors[3]);
  const hits = exact.search(vectors[7], 5);
  assert.equal(hits[0].id, 'm7');
  assert.ok(hits.every((h, i) => i === 0 || hits[i - 1].score >= h.score));
  assert.deepEqual(exact.search(vectors[3], 6).map((h) => h.id), ['m3', 'copy0', 'copy1', 'copy2', 'copy3', 'copy4']);
  exact.remove('m7');
  assert.ok(!exact.search(vectors[7], 50).some((h) => h.id === 'm7'));
  assert.equal(exact.size, 79);
  assert.equal(exact.vector('m7'), undefined);
  assert.deepEqual(exact.search(vectors[7], 0), []);
  assert.throws(() => exact.add('x', new Float32Array(3)), /3 dims/);
});
