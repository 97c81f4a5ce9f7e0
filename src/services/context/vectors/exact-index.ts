// Exact nearest neighbours: every vector in one contiguous arena
// (vector-arena.ts: WebAssembly SIMD dot products), scanned per query.
// Fast enough up to tens of thousands of vectors (a scan of 20,000 × 256
// floats takes about 2 ms) and the reference the approximate index's recall
// is measured against.
//
// Removal moves the last vector into the freed slot and zeroes the last
// slot: no copy of a removed vector stays in the arena.

import { TopK, type VectorIndex } from './vector-index.ts';
import { VectorArena } from './vector-arena.ts';
import type { TierHit } from '../types.ts';

export class ExactIndex implements VectorIndex {
  /** Vector i is in slot i + 1; slot 0 holds the query. */
  private readonly arena: VectorArena;
  private readonly slotOf = new Map<string, number>();
  private readonly idAt: string[] = [];
  readonly dims: number;

  constructor(dims: number, capacity = 1024) {
    this.dims = dims;
    this.arena = new VectorArena(dims, Math.max(1, capacity) + 1);
  }

  get size(): number {
    return this.idAt.length;
  }

  add(id: string, vector: Float32Array): void {
    if (vector.length !== this.dims) throw new RangeError(`exact index: vector of ${vector.length} dims, index has ${this.dims}`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.idAt.length;
      this.arena.reserve(slot + 2);
      this.idAt.push(id);
      this.slotOf.set(id, slot);
    }
    this.arena.set(slot + 1, vector);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.idAt.length - 1;
    if (slot !== last) {
      const moved = this.idAt[last];
      this.arena.set(slot + 1, this.arena.view(last + 1));
      this.idAt[slot] = moved;
      this.slotOf.set(moved, slot);
    }
    this.arena.clear(last + 1);
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
    return slot === undefined ? undefined : this.arena.view(slot + 1);
  }

  search(query: Float32Array, k: number): TierHit[] {
    if (k <= 0) return [];
    if (query.length !== this.dims) throw new RangeError(`exact index: query of ${query.length} dims, index has ${this.dims}`);
    const top = new TopK(k);
    const { arena } = this;
    arena.set(0, query);
    const n = this.idAt.length;
    for (let slot = 0; slot < n; slot++) top.push(slot, arena.dot(0, slot + 1));
    return top.sorted().map(([slot, score]) => ({ id: this.idAt[slot], score }));
  }
}
