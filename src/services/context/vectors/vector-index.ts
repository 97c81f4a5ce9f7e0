// What both vector indexes (exact-index.ts, hnsw.ts) offer the vector store.
// Vectors are unit length, so the dot product is the cosine similarity and
// the score of a hit.

import type { TierHit } from '../types.ts';

export interface VectorIndex {
  readonly dims: number;
  readonly size: number;
  /** Add or replace the vector of `id` (copied). */
  add(id: string, vector: Float32Array): void;
  /** Remove `id` entirely: afterwards no structure of the index holds its vector or its id. */
  remove(id: string): boolean;
  has(id: string): boolean;
  ids(): IterableIterator<string>;
  /** The vector of `id` (a view or a copy; do not change it). */
  vector(id: string): Float32Array | undefined;
  /** The `k` nearest by dot product, best first. */
  search(query: Float32Array, k: number): TierHit[];
}

export function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  // Four accumulators: independent adds the CPU can overlap.
  for (; i + 4 <= dims; i += 4) {
    s0 += a[aOff + i] * b[bOff + i];
    s1 += a[aOff + i + 1] * b[bOff + i + 1];
    s2 += a[aOff + i + 2] * b[bOff + i + 2];
    s3 += a[aOff + i + 3] * b[bOff + i + 3];
  }
  for (; i < dims; i++) s0 += a[aOff + i] * b[bOff + i];
  return s0 + s1 + s2 + s3;
}

/**
 * A bounded best-k list (a heap with the worst on top): push is O(log k).
 * Order: higher score first, then the lower id (the earlier slot), so ties
 * — duplicate memories have equal scores — are broken the same way every
 * time, the way the HNSW index returns a node's ids (hnsw.ts).
 */
export class TopK {
  readonly ids: number[] = [];
  readonly scores: number[] = [];
  readonly k: number;
  constructor(k: number) {
    this.k = k;
  }

  /** Whether entry i ranks below entry j. */
  private below(i: number, j: number): boolean {
    const { scores, ids } = this;
    return scores[i] < scores[j] || (scores[i] === scores[j] && ids[i] > ids[j]);
  }

  push(id: number, score: number): void {
    const { ids, scores } = this;
    if (ids.length < this.k) {
      ids.push(id);
      scores.push(score);
      let i = ids.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.below(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    if (this.k === 0 || score < scores[0] || (score === scores[0] && id > ids[0])) return;
    ids[0] = id;
    scores[0] = score;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < ids.length && this.below(l, m)) m = l;
      if (r < ids.length && this.below(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  /** [id, score] best first. */
  sorted(): [number, number][] {
    return this.ids.map((id, i): [number, number] => [id, this.scores[i]]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  private swap(i: number, j: number): void {
    const { ids, scores } = this;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    [scores[i], scores[j]] = [scores[j], scores[i]];
  }
}
