// Exact nearest neighbours: every vector in one contiguous Float32Array,
// scanned with a dot product per query. Fast enough up to tens of thousands
// of vectors (a scan of 20,000 × 256 floats takes a few milliseconds) and
// the reference the approximate index's recall is measured against.
//
// Removal moves the last vector into the freed slot and zeroes the last
// slot: no copy of a removed vector stays in the matrix.

import { TopK, dot, type VectorIndex } from './vector-index.ts';
import type { TierHit } from '../types.ts';

export class ExactIndex implements VectorIndex {
  private matrix: Float32Array;
  private readonly slotOf = new Map<string, number>();
  private readonly idAt: string[] = [];
  readonly dims: number;

  constructor(dims: number, capacity = 1024) {
    this.dims = dims;
    this.matrix = new Float32Array(dims * Math.max(1, capacity));
  }

  get size(): number {
    return this.idAt.length;
  }

  add(id: string, vector: Float32Array): void {
    if (vector.length !== this.dims) throw new RangeError(`exact index: vector of ${vector.length} dims, index has ${this.dims}`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.idAt.length;
      if ((slot + 1) * this.dims > this.matrix.length) {
        const grown = new Float32Array(this.matrix.length * 2);
        grown.set(this.matrix);
        this.matrix.fill(0);
        this.matrix = grown;
      }
      this.idAt.push(id);
      this.slotOf.set(id, slot);
    }
    this.matrix.set(vector, slot * this.dims);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.idAt.length - 1;
    if (slot !== last) {
      const moved = this.idAt[last];
      this.matrix.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      this.idAt[slot] = moved;
      this.slotOf.set(moved, slot);
    }
    this.matrix.fill(0, last * this.dims, (last + 1) * this.dims);
    this.idAt.pop();
    this.slotOf.delete(id);
    return true;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  ids(): IterableIterator<string> {
    return this.slotOf.keys();
  }

  vector(id: string): Float32Array | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.matrix.subarray(slot * this.dims, (slot + 1) * this.dims);
  }

  search(query: Float32Array, k: number): TierHit[] {
    const top = new TopK(Math.max(0, k));
    if (k <= 0) return [];
    const { dims, matrix } = this;
    const n = this.idAt.length;
    for (let slot = 0; slot < n; slot++) top.push(slot, dot(query, 0, matrix, slot * dims, dims));
    return top.sorted().map(([slot, score]) => ({ id: this.idAt[slot], score }));
  }
}
