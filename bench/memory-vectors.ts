// T3 vector index bench (docs/benchmarks.md "Memory: the T3 vector index"):
// HNSW (hnsw.ts) against exact search (exact-index.ts) over the same vectors,
// exact search being the baseline measured in the same run, on two sets:
//   clustered  a seeded Gaussian mixture (testing/vector-sets.ts), 256 dims;
//   templated  the conversation set's turns (bench/memory/conversations.ts,
//              seed 23 as bench/memory-recall.ts's scale part) embedded by the
//              built-in embedder (256-dim hashed n-grams): many exact
//              duplicates and near ties.
// For each: embedding and graph-build time (both in the embed workers, as
// the vector tier runs them), the graph restored from its snapshot (what a
// restart searches), then recall@10 against exact search by both measures
// (testing/vector-sets.ts recallAt: id overlap, and ann-benchmarks'
// distance threshold) and search p50/p95, for each efSearch asked.
//
// Usage: node bench/memory-vectors.ts [--vectors 100000] [--queries 200]
//          [--sets clustered,templated] [--ef-search 64,128,256] [--m 16] [--ef-construction 100]

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gaussianMixture, recallAt } from '../src/services/context/testing/vector-sets.ts';
import type { TierHit } from '../src/services/context/types.ts';
import { builtinEmbedder, embedWorkers } from '../src/services/context/vectors/builtin-embedder.ts';
import type { BuildTask } from '../src/services/context/vectors/embed-worker.ts';
import { ExactIndex } from '../src/services/context/vectors/exact-index.ts';
import { HNSW_DEFAULTS, HnswIndex, type HnswOptions } from '../src/services/context/vectors/hnsw.ts';
import { generateConversations } from './memory/conversations.ts';

const { values } = parseArgs({
  options: {
    vectors: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    sets: { type: 'string', default: 'clustered,templated' },
    'ef-search': { type: 'string', default: `64,128,${HNSW_DEFAULTS.efSearch}` },
    m: { type: 'string', default: String(HNSW_DEFAULTS.m) },
    'ef-construction': { type: 'string', default: String(HNSW_DEFAULTS.efConstruction) },
  },
});
const N = Number(values.vectors);
const QUERIES = Number(values.queries);
const DIMS = 256;
const K = 10;
const OPTIONS: HnswOptions = { m: Number(values.m), efConstruction: Number(values['ef-construction']) };
const workers = embedWorkers();

interface VectorSet {
  ids: string[];
  vectors: Float32Array;
  queries: Float32Array[];
  /** Embedding time (ms), when the set is embedded texts. */
  embedMs?: number;
}

function clustered(): VectorSet {
  const mixture = gaussianMixture(DIMS, 41);
  const vectors = mixture.sample(N, 42);
  const q = mixture.sample(QUERIES, 43);
  return { ids: Array.from({ length: N }, (_, i) => `v${i}`), vectors, queries: Array.from({ length: QUERIES }, (_, i) => q.subarray(i * DIMS, (i + 1) * DIMS)) };
}

async function templated(): Promise<VectorSet> {
  const set = generateConversations({ sessions: Math.ceil(N / 14), seed: 23 });
  const turns = set.turns.slice(0, N);
  const embedder = builtinEmbedder({ workers });
  const t = performance.now();
  const embedded = await embedder.embed(turns.map((x) => x.text));
  const embedMs = performance.now() - t;
  const vectors = new Float32Array(turns.length * DIMS);
  embedded.forEach((v, i) => vectors.set(v, i * DIMS));
  // The questions, then held-out turn texts (another seed) when more queries are asked.
  const texts = set.questions.map((x) => x.text);
  if (texts.length < QUERIES) texts.push(...generateConversations({ sessions: 40, seed: 29 }).turns.map((x) => x.text));
  const queries = await embedder.embed(texts.slice(0, QUERIES));
  return { ids: turns.map((x) => x.id), vectors, queries, embedMs };
}

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number): string => (x < 10 ? x.toFixed(3) : x.toFixed(1));

function timed(index: { search(q: Float32Array, k: number): TierHit[] }, queries: Float32Array[]): { hits: TierHit[][]; times: number[] } {
  for (const q of queries.slice(0, 10)) index.search(q, K);
  const hits: TierHit[][] = [];
  const times: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    hits.push(index.search(q, K));
    times.push(performance.now() - t);
  }
  return { hits, times };
}

async function run(name: string, set: VectorSet): Promise<void> {
  const n = set.ids.length;
  let t = performance.now();
  // The build runs in the worker: this process's CPU time over the build is
  // the build's (the main thread only waits), the figure that does not depend
  // on what else shares the cores.
  const cpu = process.cpuUsage();
  const graph = await workers.run<Int32Array>('hnsw-build', { dims: DIMS, options: OPTIONS, ids: set.ids, vectors: set.vectors } satisfies BuildTask);
  const buildMs = performance.now() - t;
  const { user, system } = process.cpuUsage(cpu);
  const buildCpuS = (user + system) / 1e6;
  t = performance.now();
  const hnsw = HnswIndex.restore(DIMS, OPTIONS, set.ids, set.vectors, graph);
  const restoreMs = performance.now() - t;
  const exact = new ExactIndex(DIMS, n);
  for (let i = 0; i < n; i++) exact.add(set.ids[i], set.vectors.subarray(i * DIMS, (i + 1) * DIMS));
  const truth = timed(exact, set.queries);
  console.log(`\n${name}: ${n} vectors (${hnsw.nodes} distinct), ${set.queries.length} queries, k=${K}, M=${OPTIONS.m}, efConstruction=${OPTIONS.efConstruction}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`build: ${set.embedMs === undefined ? '' : `embedding ${(set.embedMs / 1000).toFixed(1)} s + `}graph ${(buildMs / 1000).toFixed(1)} s (${buildCpuS.toFixed(1)} s CPU) in the embed worker; restore from the snapshot ${(restoreMs / 1000).toFixed(2)} s`);
  console.log('| index | efSearch | recall@10 (ids) | recall@10 (distance, ann-benchmarks) | p50 | p95 | p95 vs exact |\n|---|---|---|---|---|---|---|');
  const row = (label: string, ef: string, got: TierHit[][], times: number[]): void => {
    let ids = 0;
    let distance = 0;
    got.forEach((hits, i) => {
      const r = recallAt(K, truth.hits[i], hits);
      ids += r.ids;
      distance += r.distance;
    });
    const p95 = percentile(times, 95);
    console.log(`| ${label} | ${ef} | ${(ids / got.length).toFixed(3)} | ${(distance / got.length).toFixed(3)} | ${ms(percentile(times, 50))} ms | ${ms(p95)} ms | ${(p95 / percentile(truth.times, 95)).toFixed(3)}x |`);
  };
  row('exact (baseline)', '-', truth.hits, truth.times);
  for (const ef of values['ef-search'].split(',').map(Number)) {
    const index = HnswIndex.restore(DIMS, { ...OPTIONS, efSearch: ef }, set.ids, set.vectors, graph);
    const { hits, times } = timed(index, set.queries);
    row('HNSW', String(ef), hits, times);
  }
}

try {
  for (const name of values.sets.split(',')) {
    if (name === 'clustered') await run(name, clustered());
    else if (name === 'templated') await run(name, await templated());
    else throw new Error(`--sets: unknown set ${name} (clustered, templated)`);
  }
} finally {
  await workers.close();
}
