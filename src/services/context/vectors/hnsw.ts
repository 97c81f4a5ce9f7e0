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
//   efSearch = max(128, k): a caller asking for 10 or 50 hits searches a
//     beam of at least 128 (recall@10 >= 0.97 on both sets at 100,000).
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
import { SearchHeap } from './search-heap.ts';
import { VectorArena } from './vector-arena.ts';
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

export const HNSW_DEFAULTS = { m: 16, efConstruction: 100, efSearch: 128, seed: 0x5eed } as const;

/** Levels above this are never drawn (p = M^-32: never in practice). */
const TOP_LEVEL = 31;
/** First word of a graph snapshot ("HNW2"); graphs of the earlier format are refused and rebuilt. */
const MAGIC = 0x32574e48;
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

/** A hash of a vector's bits (FNV-1a over its 32-bit words): finds exact duplicates. */
function bitsHash(v: Float32Array): number {
  const words = new Uint32Array(v.buffer, v.byteOffset, v.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

export class HnswIndex implements VectorIndex {
  readonly dims: number;
  private readonly m: number;
  private readonly m0: number;
  /** Int32s per node in the level-0 table: a count, then up to M0 links. */
  private readonly stride: number;
  private readonly efConstruction: number;
  private readonly efSearch: number;
  private readonly levelMult: number;
  private readonly rand: Rand;

  private capacity = 0;
  /** Node slots in use or freed (free ones are in `free`). */
  private used = 0;
  /** Node n's vector is in slot n + 1; slot 0 holds the query being searched. */
  private readonly arena: VectorArena;
  private link0 = new Int32Array(0);
  /** upper[node][l - 1]: [count, links...] on level l >= 1; undefined for a level-0 node. */
  private upper: (Int32Array[] | undefined)[] = [];
  /** The node's top level; -1 for a free slot. */
  private level = new Int8Array(0);
  /** The ids sharing the node's vector, in the order they came. */
  private members: (string[] | undefined)[] = [];
  private readonly nodeOf = new Map<string, number>();
  private readonly byHash = new Map<number, number[]>();
  private free: number[] = [];
  private entry = -1;
  private maxLevel = -1;
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
    this.m0 = 2 * this.m;
    this.stride = this.m0 + 1;
    this.efConstruction = Math.max(this.m, options.efConstruction ?? HNSW_DEFAULTS.efConstruction);
    this.efSearch = Math.max(1, options.efSearch ?? HNSW_DEFAULTS.efSearch);
    this.levelMult = 1 / Math.log(this.m);
    this.rand = prng(options.seed ?? HNSW_DEFAULTS.seed);
    this.arena = new VectorArena(dims, 1024);
    this.reserve(1024);
  }

  /** Ids indexed (several ids may share a node). */
  get size(): number {
    return this.nodeOf.size;
  }

  /** Distinct vectors in the graph. */
  get nodes(): number {
    return this.used - this.free.length;
  }

  has(id: string): boolean {
    return this.nodeOf.has(id);
  }

  ids(): IterableIterator<string> {
    return this.nodeOf.keys();
  }

  vector(id: string): Float32Array | undefined {
    const node = this.nodeOf.get(id);
    return node === undefined ? undefined : this.arena.view(node + 1);
  }

  private reserve(nodes: number): void {
    if (nodes <= this.capacity) return;
    const capacity = Math.max(nodes, this.capacity * 2);
    this.arena.reserve(capacity + 1);
    const link0 = new Int32Array(capacity * this.stride);
    link0.set(this.link0);
    this.link0 = link0;
    const level = new Int8Array(capacity).fill(-1);
    level.set(this.level);
    this.level = level;
    this.visited = new Uint32Array(capacity);
    this.epoch = 0;
    this.capacity = capacity;
  }

  private sim(a: number, b: number): number {
    return this.arena.dot(a + 1, b + 1);
  }

  private holds(node: number, vector: Float32Array): boolean {
    const { floats, stride } = this.arena;
    const off = (node + 1) * stride;
    for (let i = 0; i < this.dims; i++) if (floats[off + i] !== vector[i]) return false;
    return true;
  }

  private nextEpoch(): number {
    if (++this.epoch === 0xffffffff) {
      this.visited.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** The link list of `node` on `level` and where it starts ([count, links...]). */
  private list(node: number, level: number): [Int32Array, number] {
    return level === 0 ? [this.link0, node * this.stride] : [this.upper[node]![level - 1], 0];
  }

  /**
   * Alg. 2: the `ef` nodes nearest the query (arena slot `q`) on `level`, reached
   * from entries[0..count); the `found` heap, worst on top (valid until the
   * next search).
   */
  private searchLayer(q: number, entries: Int32Array, count: number, ef: number, level: number): SearchHeap {
    const epoch = this.nextEpoch();
    const { visited, candidates, found, arena } = this;
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
      const list = upper ? this.upper[c]![level - 1] : this.link0;
      const base = upper ? 0 : c * this.stride;
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
    let ep = this.entry;
    for (let l = this.maxLevel; l > stop; l--) {
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
   * it: links that point in different directions.
   */
  private select(nodes: ArrayLike<number>, sims: ArrayLike<number>, count: number, max: number): number[] {
    const kept: number[] = [];
    const pruned: number[] = [];
    for (let i = 0; i < count && kept.length < max; i++) {
      const c = nodes[i];
      let diverse = true;
      for (let j = 0; j < kept.length; j++) {
        if (this.sim(c, kept[j]) > sims[i]) {
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

  private setLinks(node: number, level: number, links: readonly number[]): void {
    const [list, base] = this.list(node, level);
    list[base] = links.length;
    for (let i = 0; i < links.length; i++) list[base + 1 + i] = links[i];
  }

  /** Re-choose the links of `node` on `level` among `pool` (node itself, duplicates and free slots are skipped). */
  private relink(node: number, level: number, pool: Iterable<number>): void {
    const unique = [...new Set(pool)].filter((c) => c !== node && this.level[c] >= level);
    const sims = unique.map((c) => this.sim(node, c));
    const order = unique.map((_, i) => i).sort((a, b) => sims[b] - sims[a]);
    const max = level === 0 ? this.m0 : this.m;
    this.setLinks(node, level, this.select(order.map((i) => unique[i]), order.map((i) => sims[i]), order.length, max));
  }

  /** Add `node` to the links of `to` on `level`; a full list is re-chosen with the heuristic (as hnswlib does). */
  private linkBack(to: number, node: number, level: number): void {
    const [list, base] = this.list(to, level);
    const n = list[base];
    if (n < (level === 0 ? this.m0 : this.m)) {
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
    const known = this.nodeOf.get(id);
    if (known !== undefined) {
      if (this.holds(known, vector)) return;
      this.remove(id);
    }
    const hash = bitsHash(vector);
    for (const twin of this.byHash.get(hash) ?? []) {
      if (!this.holds(twin, vector)) continue;
      this.members[twin]!.push(id);
      this.nodeOf.set(id, twin);
      return;
    }
    const node = this.free.pop() ?? this.used++;
    this.reserve(node + 1);
    this.arena.set(node + 1, vector);
    this.members[node] = [id];
    this.nodeOf.set(id, node);
    const twins = this.byHash.get(hash);
    if (twins === undefined) this.byHash.set(hash, [node]);
    else twins.push(node);
    const level = Math.min(TOP_LEVEL, Math.floor(-Math.log(1 - this.rand()) * this.levelMult));
    this.level[node] = level;
    this.link0[node * this.stride] = 0;
    this.upper[node] = level === 0 ? undefined : Array.from({ length: level }, () => new Int32Array(this.m + 1));
    if (this.entry < 0) {
      this.entry = node;
      this.maxLevel = level;
      return;
    }
    // Alg. 1: descend to the node's top level, then on each level below take
    // the efConstruction nearest as candidates, link to a diverse M of them,
    // and start the next level from all of them.
    let entries: Int32Array = this.one;
    entries[0] = this.descend(node + 1, level);
    let count = 1;
    for (let l = Math.min(level, this.maxLevel); l >= 0; l--) {
      const { nodes, sims } = HnswIndex.drain(this.searchLayer(node + 1, entries, count, this.efConstruction, l));
      const chosen = this.select(nodes, sims, nodes.length, this.m);
      this.setLinks(node, l, chosen);
      for (const to of chosen) this.linkBack(to, node, l);
      entries = nodes;
      count = nodes.length;
    }
    if (level > this.maxLevel) {
      this.entry = node;
      this.maxLevel = level;
    }
  }

  remove(id: string): boolean {
    const node = this.nodeOf.get(id);
    if (node === undefined) return false;
    this.nodeOf.delete(id);
    const members = this.members[node]!;
    members.splice(members.indexOf(id), 1);
    // Another id still has this vector: the node stays, the id is gone.
    if (members.length > 0) return true;
    const top = this.level[node];
    this.level[node] = -1;
    for (let l = 0; l <= top; l++) {
      const [own, ownBase] = this.list(node, l);
      const theirs = Array.from(own.subarray(ownBase + 1, ownBase + 1 + own[ownBase]));
      for (let n = 0; n < this.used; n++) {
        if (this.level[n] < l) continue;
        const [list, base] = this.list(n, l);
        const links = list.subarray(base + 1, base + 1 + list[base]);
        if (!links.includes(node)) continue;
        this.relink(n, l, [...links, ...theirs]);
      }
    }
    this.link0.fill(0, node * this.stride, (node + 1) * this.stride);
    this.upper[node] = undefined;
    this.members[node] = undefined;
    const hash = bitsHash(this.arena.view(node + 1));
    const twins = this.byHash.get(hash)!.filter((t) => t !== node);
    if (twins.length === 0) this.byHash.delete(hash);
    else this.byHash.set(hash, twins);
    this.arena.clear(node + 1);
    this.free.push(node);
    if (this.entry === node) {
      // The new entry point: a node of the highest level left.
      this.entry = -1;
      this.maxLevel = -1;
      for (let n = 0; n < this.used; n++) {
        if (this.level[n] > this.maxLevel) {
          this.entry = n;
          this.maxLevel = this.level[n];
        }
      }
    }
    return true;
  }

  search(query: Float32Array, k: number): TierHit[] {
    if (k <= 0 || this.entry < 0) return [];
    if (query.length !== this.dims) throw new RangeError(`hnsw index: query of ${query.length} dims, index has ${this.dims}`);
    this.arena.set(0, query);
    this.one[0] = this.descend(0, 0);
    const { nodes, sims } = HnswIndex.drain(this.searchLayer(0, this.one, 1, Math.max(this.efSearch, k), 0));
    const hits: TierHit[] = [];
    for (let i = 0; i < nodes.length && hits.length < k; i++) {
      for (const id of this.members[nodes[i]]!) {
        hits.push({ id, score: sims[i] });
        if (hits.length === k) break;
      }
    }
    return hits;
  }
  /**
   * The graph in a compact form, free slots left out and nodes renumbered:
   * what the vector store persists and what a worker that built an index
   * sends back. Ids are named by their position in `order` (default: the
   * index's own order, returned as `ids`); vectors travel separately (the
   * store has them). `graph` is [MAGIC, nodes, entry, maxLevel, then per
   * node: its id count and the ids' positions, its top level L, and for
   * each level 0..L the link count and the links].
   */
  exportGraph(order?: readonly string[]): { ids: string[]; graph: Int32Array } {
    const ids = order === undefined ? [...this.nodeOf.keys()] : [...order];
    if (ids.length !== this.nodeOf.size || ids.some((id) => !this.nodeOf.has(id))) throw new RangeError('hnsw export: the order does not name exactly the indexed ids');
    const position = new Map(ids.map((id, i) => [id, i]));
    const renumber = new Int32Array(this.used).fill(-1);
    let live = 0;
    let words = 4;
    for (let n = 0; n < this.used; n++) {
      if (this.level[n] < 0) continue;
      renumber[n] = live++;
      words += 2 + this.members[n]!.length;
      for (let l = 0; l <= this.level[n]; l++) {
        const [list, base] = this.list(n, l);
        words += 1 + list[base];
      }
    }
    const graph = new Int32Array(words);
    graph.set([MAGIC, live, this.entry < 0 ? -1 : renumber[this.entry], this.maxLevel]);
    let at = 4;
    for (let n = 0; n < this.used; n++) {
      if (this.level[n] < 0) continue;
      const members = this.members[n]!;
      graph[at++] = members.length;
      for (const id of members) graph[at++] = position.get(id)!;
      graph[at++] = this.level[n];
      for (let l = 0; l <= this.level[n]; l++) {
        const [list, base] = this.list(n, l);
        graph[at++] = list[base];
        for (let j = 1; j <= list[base]; j++) graph[at++] = renumber[list[base + j]];
      }
    }
    return { ids, graph };
  }

  /**
   * An index from exportGraph()'s graph, the ids it names by position and
   * their vectors (ids.length × dims, in the ids' order). Throws on a graph
   * that does not fit (an earlier format, a corrupt or stale snapshot, other
   * options): the caller rebuilds from the vectors.
   */
  static restore(dims: number, options: HnswOptions, ids: readonly string[], vectors: Float32Array, graph: Int32Array): HnswIndex {
    const index = new HnswIndex(dims, options);
    const bad = (why: string): Error => new RangeError(`hnsw snapshot: ${why}`);
    if (vectors.length !== ids.length * dims) throw bad(`${vectors.length} floats for ${ids.length} vectors of ${dims}`);
    if (graph.length < 4 || graph[0] !== MAGIC) throw bad('not a graph of this format');
    const nodes = graph[1];
    if (!(nodes >= 0 && nodes <= ids.length)) throw bad(`${nodes} nodes for ${ids.length} ids`);
    index.reserve(nodes);
    const seen = new Uint8Array(ids.length);
    let at = 4;
    const next = (): number => {
      if (at >= graph.length) throw bad('truncated');
      return graph[at++];
    };
    for (let n = 0; n < nodes; n++) {
      const count = next();
      if (!(count >= 1 && count <= ids.length)) throw bad(`node ${n} has ${count} ids`);
      const members: string[] = [];
      for (let i = 0; i < count; i++) {
        const p = next();
        if (!(p >= 0 && p < ids.length) || seen[p] === 1) throw bad(`node ${n} names id position ${p}`);
        seen[p] = 1;
        members.push(ids[p]);
        index.nodeOf.set(ids[p], n);
      }
      index.members[n] = members;
      const first = vectors.subarray(graph[at - count] * dims, (graph[at - count] + 1) * dims);
      index.arena.set(n + 1, first);
      const hash = bitsHash(first);
      index.byHash.set(hash, [...(index.byHash.get(hash) ?? []), n]);
      const top = next();
      if (!(top >= 0 && top <= TOP_LEVEL)) throw bad(`node ${n} has level ${top}`);
      index.level[n] = top;
      index.upper[n] = top === 0 ? undefined : Array.from({ length: top }, () => new Int32Array(index.m + 1));
      for (let l = 0; l <= top; l++) {
        const links = next();
        if (!(links >= 0 && links <= (l === 0 ? index.m0 : index.m))) throw bad(`node ${n} level ${l}: ${links} links`);
        const [list, base] = index.list(n, l);
        list[base] = links;
        for (let j = 1; j <= links; j++) {
          const to = next();
          if (!(to >= 0 && to < nodes) || to === n) throw bad(`node ${n} links outside the graph`);
          list[base + j] = to;
        }
      }
    }
    if (at !== graph.length) throw bad('trailing data');
    if (seen.includes(0)) throw bad('an id has no node');
    index.used = nodes;
    index.entry = graph[2];
    index.maxLevel = graph[3];
    if (nodes > 0 && !(index.entry >= 0 && index.entry < nodes && index.level[index.entry] === index.maxLevel)) throw bad('bad entry point');
    if (nodes === 0 && index.entry !== -1) throw bad('bad entry point');
    // Links above a node's own level would be read as another level's list.
    for (let n = 0; n < nodes; n++) {
      for (let l = 1; l <= index.level[n]; l++) {
        const list = index.upper[n]![l - 1];
        for (let j = 1; j <= list[0]; j++) if (index.level[list[j]] < l) throw bad(`node ${n} links to a node below level ${l}`);
      }
    }
    return index;
  }

  /** What still names `id` or holds a vector equal to `vector` (for tests of total removal). */
  traces(id: string, vector: Float32Array): string[] {
    const out: string[] = [];
    if (this.nodeOf.has(id)) out.push('id map');
    if (this.members.some((m) => m?.includes(id) === true)) out.push('member list');
    for (let n = 0; n < this.used; n++) {
      if (this.level[n] >= 0) {
        for (let l = 0; l <= this.level[n]; l++) {
          const [list, base] = this.list(n, l);
          for (let j = 1; j <= list[base]; j++) if (this.level[list[base + j]] < 0) out.push(`link from ${n} to free slot ${list[base + j]}`);
        }
        continue;
      }
      if (this.link0[n * this.stride] !== 0 || this.upper[n] !== undefined || this.members[n] !== undefined) out.push(`links of free slot ${n}`);
      if (vector.some((x) => x !== 0) && this.holds(n, vector)) out.push(`vector in free slot ${n}`);
    }
    for (const twins of this.byHash.values()) for (const t of twins) if (this.level[t] < 0) out.push(`hash names free slot ${t}`);
    return out;
  }
}
