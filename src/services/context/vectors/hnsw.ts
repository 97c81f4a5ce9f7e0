// Approximate nearest neighbours for partitions past the exact index's
// reach: a Hierarchical Navigable Small World graph (Malkov and Yashunin,
// "Efficient and robust approximate nearest neighbor search using HNSW
// graphs", IEEE TPAMI 2018; algorithm numbers below are the paper's).
//
// Each distinct vector is a node with links on levels 0..L (L drawn from a
// geometric distribution, mL = 1/ln(M), with a seeded generator so a build
// is reproducible); a search descends greedily from the top level's entry
// point and runs a beam of width ef on level 0. Parameters (docs/memory.md
// "T3", measured by bench/memory-vectors.ts):
//   M = 16 links above level 0, M0 = 2M on level 0 (the paper's advice);
//   efConstruction = 100: recall@10 at 30,000 vectors within 0.01 of 200's
//     on both bench sets, at half the build time;
//   efSearch = max(256, k): recall@10 >= 0.97 on both sets at 100,000
//     vectors by both measures (128 gave 0.938 on the clustered set), at
//     about 1.6x 128's search time, still well under a millisecond idle.
// Neighbours are chosen with the paper's heuristic (Alg. 4, without
// extendCandidates), both for a new node and when a neighbour's list
// overflows (as hnswlib does): it keeps links in different directions,
// which holds recall up on clustered data; lists are then topped up to half
// with the nearest pruned candidates (KEEP_PRUNED below).
// The dot products run in a WebAssembly SIMD kernel (vector-arena.ts).
//
// Exact duplicates share one node. Memories repeat ("the same fact again",
// templated chit-chat, an import): the conversation set holds 100,000 turns
// but about 4,000 distinct texts. As separate nodes, thousands of copies at
// distance 0 fill each other's neighbour lists (the heuristic can keep only
// one of them, and the beam fills with ties), cut the graph into islands and
// make every build quadratic within a group. A node lists its ids in the
// order they came; a search returns them in that order, as the exact index
// breaks ties by insertion order (vector-index.ts TopK).
//
// Forgetting is total (docs/memory.md "Forgetting"): remove() drops the id;
// the last id of a node takes the node out of every neighbour list that
// names it (a scan of the level-0 table, O(n·M0) integer reads: forgetting is
// rare and must not leave a trace), reconnects those neighbours among their
// remaining links and the removed node's, moves the entry point if it was
// the removed node, and zeroes the vector's slot.

import { prng, type Rand } from '../../../lib/seeded-random.ts';
import type { TierHit } from '../types.ts';
import { HnswGraph, TOP_LEVEL } from './hnsw-graph.ts';
import { SearchHeap } from './search-heap.ts';
import type { VectorIndex } from './vector-index.ts';

export interface HnswOptions {
  /** Links per node above level 0 (level 0 has 2M). */
  m?: number;
  /** Beam width while inserting. */
  efConstruction?: number;
  /** Beam width while searching (at least k). */
  efSearch?: number;
  seed?: number;
}

export const HNSW_DEFAULTS = { m: 16, efConstruction: 100, efSearch: 256, seed: 0x5eed } as const;

/**
 * After the heuristic, a list is filled up to this share of its capacity
 * with the nearest candidates it pruned (the paper's keepPrunedConnections,
 * bounded). With none kept, a node in a dense, tie-heavy region can be
 * pruned from every neighbour's list and become unreachable (measured on
 * the conversation set: 4 of 3,602 nodes had no in-link, recall@10 0.989 at
 * ef 1000); kept up to half, none did, recall@10 0.990 at ef 128; filling
 * lists completely made them less diverse (0.984).
 */
const KEEP_PRUNED = 0.5;

export class HnswIndex implements VectorIndex {
  readonly dims: number;
  private readonly m: number;
  private readonly efConstruction: number;
  private readonly efSearch: number;
  private readonly levelMult: number;
  private readonly rand: Rand;
  private g: HnswGraph;
  /** visited[node] === epoch marks a node seen by the current search (no clearing between searches). */
  private visited = new Uint32Array(0);
  private epoch = 0;
  private readonly candidates = new SearchHeap(true);
  private readonly found = new SearchHeap(false);
  private readonly one = new Int32Array(1);

  constructor(dims: number, options: HnswOptions = {}) {
    this.dims = dims;
    this.m = options.m ?? HNSW_DEFAULTS.m;
    if (!Number.isInteger(this.m) || this.m < 2 || this.m > 256) throw new RangeError(`hnsw index: m must be an integer in 2..256 (got ${this.m})`);
    this.efConstruction = Math.max(this.m, options.efConstruction ?? HNSW_DEFAULTS.efConstruction);
    this.efSearch = Math.max(1, options.efSearch ?? HNSW_DEFAULTS.efSearch);
    this.levelMult = 1 / Math.log(this.m);
    this.rand = prng(options.seed ?? HNSW_DEFAULTS.seed);
    this.g = new HnswGraph(dims, this.m);
  }

  /** Ids indexed (several ids may share a node). */
  get size(): number {
    return this.g.nodeOf.size;
  }

  /** Distinct vectors in the graph. */
  get nodes(): number {
    return this.g.used - this.g.free.length;
  }

  has(id: string): boolean {
    return this.g.nodeOf.has(id);
  }

  ids(): IterableIterator<string> {
    return this.g.nodeOf.keys();
  }

  /** A view into the index's storage: read it before the next add. */
  vector(id: string): Float32Array | undefined {
    const node = this.g.nodeOf.get(id);
    return node === undefined ? undefined : this.g.vector(node);
  }

  private nextEpoch(): number {
    if (this.visited.length < this.g.capacity) {
      this.visited = new Uint32Array(this.g.capacity);
      this.epoch = 0;
    }
    if (++this.epoch === 0xffffffff) {
      this.visited.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /**
   * Alg. 2: the `ef` nodes nearest the query (arena slot `q`) on `level`,
   * reached from entries[0..count); the `found` heap, worst on top (valid
   * until the next search).
   */
  private searchLayer(q: number, entries: Int32Array, count: number, ef: number, level: number): SearchHeap {
    const epoch = this.nextEpoch();
    const { visited, candidates, found, g } = this;
    const { arena } = g;
    candidates.clear();
    found.clear();
    for (let i = 0; i < count; i++) {
      const e = entries[i];
      if (visited[e] === epoch) continue;
      visited[e] = epoch;
      const s = arena.dot(q, e + 1);
      candidates.push(e, s);
      found.push(e, s);
      if (found.size > ef) found.pop();
    }
    const upper = level > 0;
    while (candidates.size > 0) {
      const c = candidates.topNode();
      // Ties are expanded (strictly worse stops): near-duplicates stay reachable.
      if (found.size >= ef && candidates.topSim() < found.topSim()) break;
      candidates.pop();
      const list = upper ? g.upper[c]![level - 1] : g.link0;
      const base = upper ? 0 : c * g.stride;
      const n = list[base];
      for (let j = 1; j <= n; j++) {
        const x = list[base + j];
        if (visited[x] === epoch) continue;
        visited[x] = epoch;
        const s = arena.dot(q, x + 1);
        if (found.size < ef || s > found.topSim()) {
          candidates.push(x, s);
          found.push(x, s);
          if (found.size > ef) found.pop();
        }
      }
    }
    return found;
  }

  /** Greedy descent (ef = 1) from the entry point down to level `stop` + 1. */
  private descend(q: number, stop: number): number {
    let ep = this.g.entry;
    for (let l = this.g.maxLevel; l > stop; l--) {
      this.one[0] = ep;
      ep = this.searchLayer(q, this.one, 1, 1, l).topNode();
    }
    return ep;
  }

  /** Empty `heap` into (nodes, sims), best first. */
  private static drain(heap: SearchHeap): { nodes: Int32Array; sims: Float64Array } {
    const n = heap.size;
    const nodes = new Int32Array(n);
    const sims = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      nodes[i] = heap.topNode();
      sims[i] = heap.topSim();
      heap.pop();
    }
    return { nodes, sims };
  }

  /**
   * Alg. 4: up to `max` of the candidates (best first, sims to the base
   * node) such that each kept one is nearer the base than any kept before
   * it: links that point in different directions; then topped up with the
   * nearest pruned ones to KEEP_PRUNED of `max`.
   */
  private select(nodes: ArrayLike<number>, sims: ArrayLike<number>, count: number, max: number): number[] {
    const kept: number[] = [];
    const pruned: number[] = [];
    for (let i = 0; i < count && kept.length < max; i++) {
      const c = nodes[i];
      let diverse = true;
      for (let j = 0; j < kept.length; j++) {
        if (this.g.sim(c, kept[j]) > sims[i]) {
          diverse = false;
          break;
        }
      }
      if (diverse) kept.push(c);
      else pruned.push(c);
    }
    const fill = Math.floor(max * KEEP_PRUNED);
    for (let i = 0; i < pruned.length && kept.length < fill; i++) kept.push(pruned[i]);
    return kept;
  }

  /** Re-choose the links of `node` on `level` among `pool` (node itself, duplicates and free slots are skipped). */
  private relink(node: number, level: number, pool: Iterable<number>): void {
    const unique = [...new Set(pool)].filter((c) => c !== node && this.g.level[c] >= level);
    const sims = unique.map((c) => this.g.sim(node, c));
    const order = unique.map((_, i) => i).sort((a, b) => sims[b] - sims[a]);
    const max = level === 0 ? this.g.m0 : this.m;
    this.g.setLinks(node, level, this.select(order.map((i) => unique[i]), order.map((i) => sims[i]), order.length, max));
  }

  /** Add `node` to the links of `to` on `level`; a full list is re-chosen with the heuristic (as hnswlib does). */
  private linkBack(to: number, node: number, level: number): void {
    const [list, base] = this.g.list(to, level);
    const n = list[base];
    if (n < (level === 0 ? this.g.m0 : this.m)) {
      list[base + 1 + n] = node;
      list[base] = n + 1;
      return;
    }
    // Keeping only the nearest would drop the links to an outlier (a memory
    // unlike the others) until nothing links to it and no search reaches it.
    this.relink(to, level, [...list.subarray(base + 1, base + 1 + n), node]);
  }

  add(id: string, vector: Float32Array): void {
    if (vector.length !== this.dims) throw new RangeError(`hnsw index: vector of ${vector.length} dims, index has ${this.dims}`);
    const { g } = this;
    const known = g.nodeOf.get(id);
    if (known !== undefined) {
      if (g.holds(known, vector)) return;
      this.remove(id);
    }
    const twin = g.twin(vector);
    if (twin !== undefined) {
      g.members[twin]!.push(id);
      g.nodeOf.set(id, twin);
      return;
    }
    const level = Math.min(TOP_LEVEL, Math.floor(-Math.log(1 - this.rand()) * this.levelMult));
    const node = g.place(id, vector, level);
    if (g.entry < 0) {
      g.entry = node;
      g.maxLevel = level;
      return;
    }
    // Alg. 1: descend to the node's top level, then on each level below take
    // the efConstruction nearest as candidates, link to a diverse M of them,
    // and start the next level from all of them.
    let entries: Int32Array = this.one;
    entries[0] = this.descend(node + 1, level);
    let count = 1;
    for (let l = Math.min(level, g.maxLevel); l >= 0; l--) {
      const { nodes, sims } = HnswIndex.drain(this.searchLayer(node + 1, entries, count, this.efConstruction, l));
      const chosen = this.select(nodes, sims, nodes.length, this.m);
      g.setLinks(node, l, chosen);
      for (const to of chosen) this.linkBack(to, node, l);
      entries = nodes;
      count = nodes.length;
    }
    if (level > g.maxLevel) {
      g.entry = node;
      g.maxLevel = level;
    }
  }

  remove(id: string): boolean {
    const { g } = this;
    const node = g.nodeOf.get(id);
    if (node === undefined) return false;
    g.nodeOf.delete(id);
    const members = g.members[node]!;
    members.splice(members.indexOf(id), 1);
    // Another id still has this vector: the node stays, the id is gone.
    if (members.length > 0) return true;
    const top = g.level[node];
    g.level[node] = -1;
    for (let l = 0; l <= top; l++) {
      const [own, ownBase] = g.list(node, l);
      const theirs = Array.from(own.subarray(ownBase + 1, ownBase + 1 + own[ownBase]));
      for (let n = 0; n < g.used; n++) {
        if (g.level[n] < l) continue;
        const [list, base] = g.list(n, l);
        let names = false;
        for (let j = 1; j <= list[base] && !names; j++) names = list[base + j] === node;
        if (names) this.relink(n, l, [...list.subarray(base + 1, base + 1 + list[base]), ...theirs]);
      }
    }
    g.release(node);
    if (g.entry === node) {
      // The new entry point: a node of the highest level left.
      g.entry = -1;
      g.maxLevel = -1;
      for (let n = 0; n < g.used; n++) {
        if (g.level[n] > g.maxLevel) {
          g.entry = n;
          g.maxLevel = g.level[n];
        }
      }
    }
    return true;
  }

  search(query: Float32Array, k: number): TierHit[] {
    const { g } = this;
    if (k <= 0 || g.entry < 0) return [];
    if (query.length !== this.dims) throw new RangeError(`hnsw index: query of ${query.length} dims, index has ${this.dims}`);
    g.arena.set(0, query);
    this.one[0] = this.descend(0, 0);
    const { nodes, sims } = HnswIndex.drain(this.searchLayer(0, this.one, 1, Math.max(this.efSearch, k), 0));
    const hits: TierHit[] = [];
    for (let i = 0; i < nodes.length && hits.length < k; i++) {
      for (const id of g.members[nodes[i]]!) {
        hits.push({ id, score: sims[i] });
        if (hits.length === k) break;
      }
    }
    return hits;
  }

  /** The graph in its snapshot form (hnsw-graph.ts encode), ids named by their position in `order`. */
  exportGraph(order?: readonly string[]): { ids: string[]; graph: Int32Array } {
    return this.g.encode(order);
  }

  /** An index from exportGraph()'s graph; throws on a graph that does not fit (the caller rebuilds). */
  static restore(dims: number, options: HnswOptions, ids: readonly string[], vectors: Float32Array, graph: Int32Array): HnswIndex {
    const index = new HnswIndex(dims, options);
    index.g = HnswGraph.decode(dims, index.m, ids, vectors, graph);
    return index;
  }

  /** What still names `id` or holds a vector equal to `vector` (for tests of total removal). */
  traces(id: string, vector: Float32Array): string[] {
    return this.g.traces(id, vector);
  }
}
