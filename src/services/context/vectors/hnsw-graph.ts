// The storage of the HNSW index (hnsw.ts has the algorithms): vectors in a
// SIMD arena, link lists in typed arrays, the ids of each node, and the
// graph's snapshot format (what the vector store persists in t3_graphs and
// what the build worker sends back).
//
// Node n's vector is in arena slot n + 1 (slot 0 holds the query being
// searched). Level-0 lists live in one Int32Array, `stride` words a node
// ([count, up to M0 links]); lists above level 0 (about 1 node in M has
// any) in small per-node arrays. Exact duplicates share a node: `members`
// lists its ids in arrival order, `byHash` finds a vector's twin.

import { VectorArena } from './vector-arena.ts';

/** Levels above this are never drawn (p = M^-32: never in practice). */
export const TOP_LEVEL = 31;
/** First word of a graph snapshot ("HNW2"); graphs of the earlier format are refused and rebuilt. */
const MAGIC = 0x32574e48;

/** A hash of a vector's bits (FNV-1a over its 32-bit words): finds exact duplicates. */
function bitsHash(v: Float32Array): number {
  const words = new Uint32Array(v.buffer, v.byteOffset, v.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

export class HnswGraph {
  readonly dims: number;
  readonly m: number;
  readonly m0: number;
  /** Int32s per node in the level-0 table: a count, then up to M0 links. */
  readonly stride: number;
  readonly arena: VectorArena;
  capacity = 0;
  /** Node slots in use or freed (free ones are in `free`). */
  used = 0;
  link0 = new Int32Array(0);
  /** upper[node][l - 1]: [count, links...] on level l >= 1; undefined for a level-0 node. */
  readonly upper: (Int32Array[] | undefined)[] = [];
  /** The node's top level; -1 for a free slot. */
  level = new Int8Array(0);
  /** The ids sharing the node's vector, in the order they came. */
  readonly members: (string[] | undefined)[] = [];
  readonly nodeOf = new Map<string, number>();
  private readonly byHash = new Map<number, number[]>();
  readonly free: number[] = [];
  entry = -1;
  maxLevel = -1;

  constructor(dims: number, m: number) {
    this.dims = dims;
    this.m = m;
    this.m0 = 2 * m;
    this.stride = this.m0 + 1;
    this.arena = new VectorArena(dims, 1024);
    this.reserve(1024);
  }

  reserve(nodes: number): void {
    if (nodes <= this.capacity) return;
    const capacity = Math.max(nodes, this.capacity * 2);
    this.arena.reserve(capacity + 1);
    const link0 = new Int32Array(capacity * this.stride);
    link0.set(this.link0);
    this.link0 = link0;
    const level = new Int8Array(capacity).fill(-1);
    level.set(this.level);
    this.level = level;
    this.capacity = capacity;
  }

  /** The link list of `node` on `level` and where it starts ([count, links...]). */
  list(node: number, level: number): [Int32Array, number] {
    return level === 0 ? [this.link0, node * this.stride] : [this.upper[node]![level - 1], 0];
  }

  setLinks(node: number, level: number, links: readonly number[]): void {
    const [list, base] = this.list(node, level);
    list[base] = links.length;
    for (let i = 0; i < links.length; i++) list[base + 1 + i] = links[i];
  }

  sim(a: number, b: number): number {
    return this.arena.dot(a + 1, b + 1);
  }

  vector(node: number): Float32Array {
    return this.arena.view(node + 1);
  }

  holds(node: number, vector: Float32Array): boolean {
    const { floats, stride } = this.arena;
    const off = (node + 1) * stride;
    for (let i = 0; i < this.dims; i++) if (floats[off + i] !== vector[i]) return false;
    return true;
  }

  /** The node already holding exactly `vector`, if any. */
  twin(vector: Float32Array): number | undefined {
    return this.byHash.get(bitsHash(vector))?.find((n) => this.holds(n, vector));
  }

  /** A new node for `id` at `level`, holding `vector`, with no links yet. */
  place(id: string, vector: Float32Array, level: number): number {
    const node = this.free.pop() ?? this.used++;
    this.reserve(node + 1);
    this.arena.set(node + 1, vector);
    this.members[node] = [id];
    this.nodeOf.set(id, node);
    const hash = bitsHash(vector);
    this.byHash.set(hash, [...(this.byHash.get(hash) ?? []), node]);
    this.level[node] = level;
    this.link0[node * this.stride] = 0;
    this.upper[node] = level === 0 ? undefined : Array.from({ length: level }, () => new Int32Array(this.m + 1));
    return node;
  }

  /** Free a node no list names any more: its links, ids and vector are gone. */
  release(node: number): void {
    this.level[node] = -1;
    this.link0.fill(0, node * this.stride, (node + 1) * this.stride);
    this.upper[node] = undefined;
    this.members[node] = undefined;
    const hash = bitsHash(this.vector(node));
    const twins = this.byHash.get(hash)!.filter((t) => t !== node);
    if (twins.length === 0) this.byHash.delete(hash);
    else this.byHash.set(hash, twins);
    this.arena.clear(node + 1);
    this.free.push(node);
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
  encode(order?: readonly string[]): { ids: string[]; graph: Int32Array } {
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
   * A graph from encode()'s output, the ids it names by position and
   * their vectors (ids.length × dims, in the ids' order). Throws on a graph
   * that does not fit (an earlier format, a corrupt or stale snapshot, other
   * options): the caller rebuilds from the vectors.
   */
  static decode(dims: number, m: number, ids: readonly string[], vectors: Float32Array, graph: Int32Array): HnswGraph {
    const g = new HnswGraph(dims, m);
    const bad = (why: string): Error => new RangeError(`hnsw snapshot: ${why}`);
    if (vectors.length !== ids.length * dims) throw bad(`${vectors.length} floats for ${ids.length} vectors of ${dims}`);
    if (graph.length < 4 || graph[0] !== MAGIC) throw bad('not a graph of this format');
    const nodes = graph[1];
    if (!(nodes >= 0 && nodes <= ids.length)) throw bad(`${nodes} nodes for ${ids.length} ids`);
    g.reserve(nodes);
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
        g.nodeOf.set(ids[p], n);
      }
      g.members[n] = members;
      const first = vectors.subarray(graph[at - count] * dims, (graph[at - count] + 1) * dims);
      g.arena.set(n + 1, first);
      const hash = bitsHash(first);
      g.byHash.set(hash, [...(g.byHash.get(hash) ?? []), n]);
      const top = next();
      if (!(top >= 0 && top <= TOP_LEVEL)) throw bad(`node ${n} has level ${top}`);
      g.level[n] = top;
      g.upper[n] = top === 0 ? undefined : Array.from({ length: top }, () => new Int32Array(g.m + 1));
      for (let l = 0; l <= top; l++) {
        const links = next();
        if (!(links >= 0 && links <= (l === 0 ? g.m0 : g.m))) throw bad(`node ${n} level ${l}: ${links} links`);
        const [list, base] = g.list(n, l);
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
    g.used = nodes;
    g.entry = graph[2];
    g.maxLevel = graph[3];
    if (nodes > 0 && !(g.entry >= 0 && g.entry < nodes && g.level[g.entry] === g.maxLevel)) throw bad('bad entry point');
    if (nodes === 0 && g.entry !== -1) throw bad('bad entry point');
    // Links above a node's own level would be read as another level's list.
    for (let n = 0; n < nodes; n++) {
      for (let l = 1; l <= g.level[n]; l++) {
        const list = g.upper[n]![l - 1];
        for (let j = 1; j <= list[0]; j++) if (g.level[list[j]] < l) throw bad(`node ${n} links to a node below level ${l}`);
      }
    }
    return g;
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
