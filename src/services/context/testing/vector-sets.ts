// Seeded vector sets for the T3 index's tests and bench/memory-vectors.ts,
// and the two recall measures they report.
//
// gaussianMixture: unit vectors drawn around cluster centres, with cluster
// sizes skewed (a few large clusters, many small ones) and spreads varying
// per cluster, like embeddings of a corpus with a few dominant topics.
// Isotropic noise in many dimensions makes near neighbours inside a cluster
// almost equidistant: a harder set than real embeddings, not an easier one.

import { prng, type Rand } from '../../../lib/seeded-random.ts';
import type { TierHit } from '../types.ts';

function gaussian(r: Rand): number {
  // Box-Muller.
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function normalize(v: Float32Array, off: number, dims: number): void {
  let s = 0;
  for (let i = 0; i < dims; i++) s += v[off + i] * v[off + i];
  const inv = 1 / Math.sqrt(s || 1);
  for (let i = 0; i < dims; i++) v[off + i] *= inv;
}

export interface MixtureOptions {
  clusters?: number;
  /** Noise spread relative to a centre's unit length, drawn per cluster in [min, max]. */
  spread?: [number, number];
}

/** A mixture's sampler: the same seed gives the same centres; `sample(n, seed)` draws n unit vectors (n × dims). */
export function gaussianMixture(dims: number, seed: number, options: MixtureOptions = {}): { sample(n: number, seed: number): Float32Array } {
  const r = prng(seed);
  const clusters = options.clusters ?? 1000;
  const [lo, hi] = options.spread ?? [0.5, 1.2];
  const centres = new Float32Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian(r);
  for (let c = 0; c < clusters; c++) normalize(centres, c * dims, dims);
  const spreads = Float64Array.from({ length: clusters }, () => lo + (hi - lo) * r());
  // Zipf-like weights (1/rank): cluster 0 is about clusters/ln(clusters) times cluster `clusters`-1.
  const cumulative = new Float64Array(clusters);
  let total = 0;
  for (let c = 0; c < clusters; c++) cumulative[c] = total += 1 / (c + 1);
  return {
    sample(n, sampleSeed) {
      const s = prng(sampleSeed);
      const out = new Float32Array(n * dims);
      for (let i = 0; i < n; i++) {
        const u = s() * total;
        let a = 0;
        let b = clusters - 1;
        while (a < b) {
          const mid = (a + b) >> 1;
          if (cumulative[mid] < u) a = mid + 1;
          else b = mid;
        }
        const sd = spreads[a] / Math.sqrt(dims);
        for (let d = 0; d < dims; d++) out[i * dims + d] = centres[a * dims + d] + sd * gaussian(s);
        normalize(out, i * dims, dims);
      }
      return out;
    },
  };
}

/**
 * Recall@k of `got` against the exact answer `truth`, two ways:
 *   ids: the share of the true k ids returned (ties make it understate:
 *        of 50 memories at the same distance, any 10 are right answers);
 *   distance: ann-benchmarks' definition (ann_benchmarks/plotting/metrics.py,
 *        knn_threshold and get_recall_values, epsilon 1e-3): a returned hit
 *        counts when its distance (here 1 - cosine) is within the k-th true
 *        distance + 1e-3.
 */
export function recallAt(k: number, truth: readonly TierHit[], got: readonly TierHit[]): { ids: number; distance: number } {
  const want = new Set(truth.slice(0, k).map((h) => h.id));
  const ids = got.slice(0, k).filter((h) => want.has(h.id)).length;
  const kth = truth.length >= k ? 1 - truth[k - 1].score : Infinity;
  const distance = got.slice(0, k).filter((h) => 1 - h.score <= kth + 1e-3).length;
  const of = Math.min(k, truth.length) || 1;
  return { ids: ids / of, distance: distance / of };
}
