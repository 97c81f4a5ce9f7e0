// Approximate nearest neighbours for partitions past the exact index's
// reach: a Hierarchical Navigable Small World graph (Malkov and Yashunin,
// "Efficient and robust approximate nearest neighbor search using HNSW
// graphs", IEEE TPAMI 2018; algorithm numbers below are the paper's).
//
// Each vector is a node with links on levels 0..L (L drawn from a geometric
// distribution with a seeded generator, so a build is reproducible); a
// search descends greedily from the top level's entry point and runs a
// beam of width `ef` on level 0. Neighbours are chosen with the paper's
// heuristic (Alg. 4), which keeps links in different directions and holds
// recall up on clustered data. Recall against the exact index is measured
// in hnsw.test.ts (seeded) and bench/memory-recall.ts.
//
// Forgetting is total (docs/memory.md "Forgetting"): remove() takes the node
// out of every neighbour list that names it (a scan of the level's lists,
// O(n·M): forgetting is rare and must not leave a trace), reconnects those
// neighbours among themselves and the removed node's neighbours, moves the
// entry point if it was the removed node, and zeroes the vector's slot.

import { prng, type Rand } from '../../../lib/seeded-random.ts';
import type { TierHit } from '../types.ts';
import { TopK, dot, type VectorIndex } from './vector-index.ts';

export interface HnswOptions {
  /** Links per node above level 0 (level 0 has 2M). */
  m?: number;
  /** Beam width while inserting. */
  efConstruction?: number;
  /** Beam width while searching (at least k). */
  efSearch?: number;
  seed?: number;
}

export const HNSW_DEFAULTS = { m: 16, efConstruction: 100, efSearch: 80, seed: 0x5eed } as const;

/** A binary heap of (node, similarity), the best (highest) or worst on top. */
class Heap {
  readonly nodes: number[] = [];
  readonly sims: number[] = [];
  private readonly sign: number;
  constructor(maxOnTop: boolean) {
    this.sign = maxOnTop ? 1 : -1;
  }
  get size(): number {
    return this.nodes.length;
  }
  topNode(): number {
    return this.nodes[0];
  }
  topSim(): number {
    return this.sims[0];
  }
  push(node: number, sim: number): void {
    const { nodes, sims, sign } = this;
    nodes.push(node);
    sims.push(sim);
    let i = nodes.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (sign * sims[p] >= sign * sims[i]) break;
      [nodes[i], nodes[p]] = [nodes[p], nodes[i]];
      [sims[i], sims[p]] = [sims[p], sims[i]];
      i = p;
    }
  }
  pop(): void {
    const { nodes, sims, sign } = this;
    const lastNode = nodes.pop()!;
    const lastSim = sims.pop()!;
    if (nodes.length === 0) return;
    nodes[0] = lastNode;
    sims[0] = lastSim;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < nodes.length && sign * sims[l] > sign * sims[m]) m = l;
      if (r < nodes.length && sign * sims[r] > sign * sims[m]) m = r;
      if (m === i) break;
      [nodes[i], nodes[m]] = [nodes[m], nodes[i]];
      [sims[i], sims[m]] = [sims[m], sims[i]];
      i = m;
    }
  }
}

export class HnswIndex implements VectorIndex {
  readonly dims: number;
  private readonly m: number;
  private readonly m0: number;
  private readonly efConstruction: number;
  private readonly efSearch: number;
  private readonly levelMult: number;
  private readonly rand: Rand;

  private vectors: Float32Array;
  /** links[node][level]: the node's neighbours on that level; undefined for a free slot. */
  private links: (number[][] | undefined)[] = [];
  private idAt: (string | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private free: number[] = [];
  private entry = -1;
  private maxLevel = -1;
  /** visited[node] === epoch marks a node seen by the current search (no clearing between searches). */
  private visited = new Uint32Array(0);
  private epoch = 0;

  constructor(dims: number, options: HnswOptions = {}) {
    this.dims = dims;
    this.m = options.m ?? HNSW_DEFAULTS.m;
    this.m0 = 2 * this.m;
    this.efConstruction = options.efConstruction ?? HNSW_DEFAULTS.efConstruction;
    this.efSearch = options.efSearch ?? HNSW_DEFAULTS.efSearch;
    this.levelMult = 1 / Math.log(this.m);
    this.rand = prng(options.seed ?? HNSW_DEFAULTS.seed);
    this.vectors = new Float32Array(dims * 1024);
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  ids(): IterableIterator<string> {
    return this.slotOf.keys();
  }

  vector(id: string): Float32Array | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.vectors.subarray(slot * this.dims, (slot + 1) * this.dims);
  }

  private sim(a: number, b: number): number {
    return dot(this.vectors, a * this.dims, this.vectors, b * this.dims, this.dims);
  }

  private simTo(query: Float32Array, node: number): number {
    return dot(query, 0, this.vectors, node * this.dims, this.dims);
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const slot = this.links.length;
    this.links.push(undefined);
    this.idAt.push(undefined);
    if ((slot + 1) * this.dims > this.vectors.length) {
      const grown = new Float32Array(this.vectors.length * 2);
      grown.set(this.vectors);
      this.vectors.fill(0);
      this.vectors = grown;
    }
    return slot;
  }

  private nextEpoch(): number {
    if (this.visited.length < this.links.length) this.visited = new Uint32Array(Math.max(1024, this.links.length * 2));
    if (++this.epoch === 0xffffffff) {
      this.visited.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** Alg. 2: the `ef` nodes nearest `query` on `level`, reached from `entries`; a heap with the worst on top. */
  private searchLayer(query: Float32Array, entries: readonly number[], ef: number, level: number): Heap {
    const epoch = this.nextEpoch();
    const { visited } = this;
    const candidates = new Heap(true);
    const found = new Heap(false);
    for (const e of entries) {
      visited[e] = epoch;
      const s = this.simTo(query, e);
      candidates.push(e, s);
      found.push(e, s);
    }
    while (found.size > ef) found.pop();
    while (candidates.size > 0) {
      const c = candidates.topNode();
      const cs = candidates.topSim();
      if (found.size >= ef && cs < found.topSim()) break;
      candidates.pop();
      const around = this.links[c]![level];
      if (around === undefined) continue;
      for (const n of around) {
        if (visited[n] === epoch) continue;
        visited[n] = epoch;
        const s = this.simTo(query, n);
        if (found.size < ef || s > found.topSim()) {
          candidates.push(n, s);
          found.push(n, s);
          if (found.size > ef) found.pop();
        }
      }
    }
    return found;
  }

  /** Alg. 4 (the heuristic, keeping pruned connections to fill up): up to `max` of `candidates` as neighbours of `base`. */
  private select(candidates: readonly number[], sims: readonly number[], max: number): number[] {
    const order = candidates.map((n, i) => i).sort((a, b) => sims[b] - sims[a]);
    const kept: number[] = [];
    const pruned: number[] = [];
    for (const i of order) {
      if (kept.length >= max) break;
      const c = candidates[i];
      let diverse = true;
      for (const r of kept) {
        if (this.sim(c, r) > sims[i]) {
          diverse = false;
          break;
        }
      }
      (diverse ? kept : pruned).push(c);
    }
    for (const c of pruned) {
      if (kept.length >= max) break;
      kept.push(c);
    }
    return kept;
  }

  /** Re-choose the neighbours of `node` on `level` among `candidates` (which may name node itself or duplicates). */
  private relink(node: number, level: number, candidates: Iterable<number>): void {
    const max = level === 0 ? this.m0 : this.m;
    const unique = [...new Set(candidates)].filter((c) => c !== node && this.links[c] !== undefined && this.links[c]!.length > level);
    const sims = unique.map((c) => this.sim(node, c));
    this.links[node]![level] = this.select(unique, sims, max);
  }

  /**
   * A node's list overflowed by one: re-choose its neighbours with the
   * heuristic (as hnswlib does), not simply the nearest. Keeping only the
   * nearest drops the links to an outlier — a memory unlike the others —
   * until nothing links to it and no search can reach it.
   */
  private shrink(node: number, level: number): void {
    this.relink(node, level, this.links[node]![level]);
  }

  add(id: string, vector: Float32Array): void {
    if (vector.length !== this.dims) throw new RangeError(`hnsw index: vector of ${vector.length} dims, index has ${this.dims}`);
    if (this.slotOf.has(id)) this.remove(id);
    const slot = this.allocate();
    this.vectors.set(vector, slot * this.dims);
    this.idAt[slot] = id;
    this.slotOf.set(id, slot);
    const level = Math.floor(-Math.log(1 - this.rand()) * this.levelMult);
    this.links[slot] = Array.from({ length: level + 1 }, () => []);
    if (this.entry < 0) {
      this.entry = slot;
      this.maxLevel = level;
      return;
    }
    const query = this.vectors.subarray(slot * this.dims, (slot + 1) * this.dims);
    let entries = [this.entry];
    for (let l = this.maxLevel; l > level; l--) {
      const nearest = this.searchLayer(query, entries, 1, l);
      entries = [nearest.topNode()];
    }
    for (let l = Math.min(level, this.maxLevel); l >= 0; l--) {
      const found = this.searchLayer(query, entries, this.efConstruction, l);
      const max = l === 0 ? this.m0 : this.m;
      const neighbours = this.select(found.nodes, found.sims, this.m);
      this.links[slot]![l] = neighbours;
      for (const n of neighbours) {
        const theirs = this.links[n]![l];
        theirs.push(slot);
        if (theirs.length > max) this.shrink(n, l);
      }
      entries = found.nodes.slice();
    }
    if (level > this.maxLevel) {
      this.entry = slot;
      this.maxLevel = level;
    }
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const own = this.links[slot]!;
    for (let l = 0; l < own.length; l++) {
      for (let n = 0; n < this.links.length; n++) {
        const theirs = this.links[n];
        if (n === slot || theirs === undefined || theirs.length <= l) continue;
        const at = theirs[l].indexOf(slot);
        if (at < 0) continue;
        theirs[l].splice(at, 1);
        this.relink(n, l, [...theirs[l], ...own[l]].filter((c) => c !== slot));
      }
    }
    this.links[slot] = undefined;
    this.idAt[slot] = undefined;
    this.slotOf.delete(id);
    this.vectors.fill(0, slot * this.dims, (slot + 1) * this.dims);
    this.free.push(slot);
    if (this.entry === slot) {
      // The new entry point: a node of the highest level left.
      this.entry = -1;
      this.maxLevel = -1;
      for (let n = 0; n < this.links.length; n++) {
        const levels = this.links[n];
        if (levels !== undefined && levels.length - 1 > this.maxLevel) {
          this.entry = n;
          this.maxLevel = levels.length - 1;
        }
      }
    }
    return true;
  }

  search(query: Float32Array, k: number): TierHit[] {
    if (k <= 0 || this.entry < 0) return [];
    let entries = [this.entry];
    for (let l = this.maxLevel; l > 0; l--) entries = [this.searchLayer(query, entries, 1, l).topNode()];
    const found = this.searchLayer(query, entries, Math.max(k, this.efSearch), 0);
    const top = new TopK(k);
    for (let i = 0; i < found.size; i++) top.push(found.nodes[i], found.sims[i]);
    return top.sorted().map(([slot, score]) => ({ id: this.idAt[slot]!, score }));
  }

  /**
   * The graph in a compact form (free slots left out, nodes renumbered in
   * `ids` order): what the vector store persists and what a worker that
   * built an index sends back. `graph` is [entry, maxLevel, then per node:
   * its top level L, then for each level 0..L the neighbour count and the
   * neighbours]. Vectors travel separately (the store has them already).
   */
  exportGraph(): { ids: string[]; vectors: Float32Array; graph: Int32Array } {
    const renumber = new Map<number, number>();
    const ids: string[] = [];
    for (let n = 0; n < this.idAt.length; n++) {
      const id = this.idAt[n];
      if (id === undefined) continue;
      renumber.set(n, ids.length);
      ids.push(id);
    }
    const vectors = new Float32Array(ids.length * this.dims);
    const graph: number[] = [this.entry < 0 ? -1 : renumber.get(this.entry)!, this.maxLevel];
    for (const [n, i] of renumber) {
      vectors.set(this.vectors.subarray(n * this.dims, (n + 1) * this.dims), i * this.dims);
      const levels = this.links[n]!;
      graph.push(levels.length - 1);
      for (const list of levels) graph.push(list.length, ...list.map((m) => renumber.get(m)!));
    }
    return { ids, vectors, graph: Int32Array.from(graph) };
  }

  /** An index from exportGraph()'s parts; throws on a graph that does not fit the ids (a corrupt or stale snapshot). */
  static restore(dims: number, options: HnswOptions, ids: readonly string[], vectors: Float32Array, graph: Int32Array): HnswIndex {
    const index = new HnswIndex(dims, options);
    const bad = (why: string): Error => new RangeError(`hnsw snapshot: ${why}`);
    if (vectors.length !== ids.length * dims) throw bad(`${vectors.length} floats for ${ids.length} vectors of ${dims}`);
    index.vectors = new Float32Array(Math.max(1024, ids.length) * dims);
    index.vectors.set(vectors);
    let at = 2;
    for (let n = 0; n < ids.length; n++) {
      const top = graph[at++];
      if (!(top >= 0 && top < 64)) throw bad(`node ${n} has level ${top}`);
      const levels: number[][] = [];
      for (let l = 0; l <= top; l++) {
        const count = graph[at++];
        if (!(count >= 0 && at + count <= graph.length)) throw bad(`node ${n} level ${l}: ${count} links`);
        const list = Array.from(graph.subarray(at, at + count));
        if (list.some((m) => !(m >= 0 && m < ids.length))) throw bad(`node ${n} links outside the graph`);
        levels.push(list);
        at += count;
      }
      index.links.push(levels);
      index.idAt.push(ids[n]);
      index.slotOf.set(ids[n], n);
    }
    if (at !== graph.length) throw bad('trailing data');
    index.entry = ids.length === 0 ? -1 : graph[0];
    index.maxLevel = ids.length === 0 ? -1 : graph[1];
    if (ids.length > 0 && !(index.entry >= 0 && index.entry < ids.length && index.links[index.entry]!.length - 1 === index.maxLevel)) throw bad('bad entry point');
    return index;
  }

  /** Whether any structure still names `id` or holds a vector equal to `vector` (for tests of total removal). */
  traces(id: string, vector: Float32Array): string[] {
    const out: string[] = [];
    if (this.slotOf.has(id)) out.push('id map');
    if (this.idAt.includes(id)) out.push('slot table');
    for (let n = 0; n < this.links.length; n++) {
      if (this.idAt[n] !== undefined) continue;
      if (this.links[n] !== undefined) out.push(`links of free slot ${n}`);
      let same = true;
      for (let i = 0; i < this.dims && same; i++) same = this.vectors[n * this.dims + i] === vector[i];
      if (same && vector.some((x) => x !== 0)) out.push(`vector in free slot ${n}`);
    }
    for (let n = 0; n < this.links.length; n++) {
      for (const level of this.links[n] ?? []) for (const m of level) if (this.idAt[m] === undefined) out.push(`link from ${n} to free slot ${m}`);
    }
    return out;
  }
}
