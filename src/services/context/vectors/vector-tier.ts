// T3: the vector tier (docs/memory.md "T3"). One index per partition, in
// memory, over vectors persisted in SQLite:
//   t3_vectors   (partition, id, embedder, vec)  one row per memory
//   t3_graphs    (partition, embedder, ids, graph) the HNSW graph of a
//                partition past the exact limit, so a restart does not
//                rebuild it
// A partition's index is exact (exact-index.ts) up to `exactLimit` vectors
// and HNSW (hnsw.ts) beyond: the graph is built in a worker over all the
// partition's vectors, then later adds go into it one by one.
//
// Forgetting is total: remove() deletes the row and the partition's graph
// snapshot (it names the id) in one transaction, takes the vector out of the
// in-memory index (hnsw.ts removes it from every neighbour list), and, when
// the database runs in WAL mode, checkpoints and truncates the WAL so no old
// page image keeps the vector. `secure_delete` makes SQLite overwrite freed
// content with zeros, so the bytes are gone from the file too (tested by
// reading the files).
//
// Vectors are derived data (the memory's text is in T1), so a lost graph
// snapshot or a changed embedder only costs a rebuild, never a memory.

import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from '../../../lib/sqlite-transaction.ts';
import type { WorkerPool } from '../../../lib/worker-pool.ts';
import type { Memory, Partition, RecallTier, TierHit } from '../types.ts';
import type { Embedder } from './embedder.ts';
import type { BuildTask } from './embed-worker.ts';
import { ExactIndex } from './exact-index.ts';
import { HnswIndex, type HnswOptions } from './hnsw.ts';
import type { VectorIndex } from './vector-index.ts';

export interface VectorTierOptions {
  db: DatabaseSync;
  embedder: Embedder;
  /** Runs 'hnsw-build' (embed-worker.ts). */
  workers: WorkerPool;
  /** Past this many vectors a partition's index is HNSW (default 20,000). */
  exactLimit?: number;
  hnsw?: HnswOptions;
}

export const EXACT_LIMIT = 20_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS t3_vectors (
  partition TEXT NOT NULL, id TEXT NOT NULL, embedder TEXT NOT NULL, vec BLOB NOT NULL,
  PRIMARY KEY (partition, id)
);
CREATE TABLE IF NOT EXISTS t3_graphs (
  partition TEXT PRIMARY KEY, embedder TEXT NOT NULL, ids TEXT NOT NULL, graph BLOB NOT NULL
);`;

interface Loaded {
  index: VectorIndex;
  /** The HNSW graph differs from its snapshot. */
  dirty: boolean;
  /** An HNSW build is running: what happens meanwhile is replayed onto its result. */
  building?: Promise<void>;
  changes?: { id: string; vector?: Float32Array }[];
  /** Why the last HNSW build failed (the exact index serves meanwhile). */
  buildError?: string;
}

const blob = (v: Float32Array): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const floats = (b: Uint8Array): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

export class VectorTier implements RecallTier {
  readonly name = 't3';
  private readonly db: DatabaseSync;
  private readonly embedder: Embedder;
  private readonly workers: WorkerPool;
  private readonly exactLimit: number;
  private readonly hnswOptions: HnswOptions;
  private readonly partitions = new Map<Partition, Loaded>();

  constructor(options: VectorTierOptions) {
    this.db = options.db;
    this.embedder = options.embedder;
    this.workers = options.workers;
    this.exactLimit = options.exactLimit ?? EXACT_LIMIT;
    this.hnswOptions = options.hnsw ?? {};
    this.db.exec('PRAGMA secure_delete = ON');
    this.db.exec(SCHEMA);
  }

  async add(memory: Memory): Promise<void> {
    await this.addMany([memory]);
  }

  /** Embed (in the workers for a batch) and store many memories in one transaction. */
  async addMany(memories: readonly Memory[]): Promise<void> {
    if (memories.length === 0) return;
    const vectors = await this.embedder.embed(memories.map((m) => m.text));
    // Each partition's index is loaded before its rows change, so an index
    // (and its saved graph) always follows every change rather than going stale.
    for (const p of new Set(memories.map((m) => m.partition))) this.load(p);
    const put = this.db.prepare('INSERT OR REPLACE INTO t3_vectors (partition, id, embedder, vec) VALUES (?, ?, ?, ?)');
    this.transaction(() => {
      for (let i = 0; i < memories.length; i++) put.run(memories[i].partition, memories[i].id, this.embedder.id, blob(vectors[i]));
    });
    for (let i = 0; i < memories.length; i++) this.apply(this.load(memories[i].partition), memories[i].id, vectors[i]);
    for (const p of new Set(memories.map((m) => m.partition))) this.promote(p, this.load(p));
  }

  remove(partition: Partition, id: string): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM t3_vectors WHERE partition = ? AND id = ?').run(partition, id);
      this.db.prepare('DELETE FROM t3_graphs WHERE partition = ?').run(partition);
    });
    const loaded = this.partitions.get(partition);
    if (loaded !== undefined) {
      this.apply(loaded, id, undefined);
      loaded.dirty = true;
    }
    // No old page image of the row may stay in the WAL (a no-op outside WAL mode).
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  async search(partition: Partition, query: string, k: number): Promise<TierHit[]> {
    const [vector] = await this.embedder.embed([query]);
    if (!vector.some((x) => x !== 0)) return [];
    const floor = this.embedder.minSimilarity ?? -Infinity;
    return this.searchVector(partition, vector, k).filter((h) => h.score >= floor);
  }

  /** Search with a vector the caller embedded (the bench, a query reused across partitions). */
  searchVector(partition: Partition, vector: Float32Array, k: number): TierHit[] {
    return this.load(partition).index.search(vector, k);
  }

  /** Vectors stored for `partition` by the current embedder. */
  count(partition: Partition): number {
    return Number(this.db.prepare('SELECT count(*) AS n FROM t3_vectors WHERE partition = ? AND embedder = ?').get(partition, this.embedder.id)!.n);
  }

  /** The partition's index: its kind ('exact' | 'hnsw' | 'unloaded'), size, and why its last HNSW build failed. */
  stats(partition: Partition): { kind: string; size: number; building: boolean; buildError?: string } {
    const loaded = this.partitions.get(partition);
    if (loaded === undefined) return { kind: 'unloaded', size: 0, building: false };
    return { kind: loaded.index instanceof HnswIndex ? 'hnsw' : 'exact', size: loaded.index.size, building: loaded.building !== undefined, buildError: loaded.buildError };
  }

  /** Forgets the partition's in-memory index (its rows were replaced by a re-embed: the next use reads them again). */
  unload(partition: Partition): void {
    this.partitions.delete(partition);
  }

  /** Resolves when no HNSW build is running for `partition`. */
  async settled(partition: Partition): Promise<void> {
    while (this.partitions.get(partition)?.building !== undefined) await this.partitions.get(partition)!.building;
  }

  /** Write the HNSW graphs that changed since they were saved (at stop, and after each build). */
  checkpoint(): void {
    for (const [partition, loaded] of this.partitions) this.save(partition, loaded);
  }

  private save(partition: Partition, loaded: Loaded): void {
    if (!loaded.dirty || !(loaded.index instanceof HnswIndex) || loaded.building !== undefined) return;
    const { ids, graph } = loaded.index.exportGraph();
    this.db.prepare('INSERT OR REPLACE INTO t3_graphs (partition, embedder, ids, graph) VALUES (?, ?, ?, ?)')
      .run(partition, this.embedder.id, JSON.stringify(ids), new Uint8Array(graph.buffer, graph.byteOffset, graph.byteLength));
    loaded.dirty = false;
  }

  private transaction(fn: () => void): void {
    inTransaction(this.db, fn);
  }

  private apply(loaded: Loaded, id: string, vector: Float32Array | undefined): void {
    // The same text again (an import, a repeated fact) changes nothing: an
    // HNSW replace is a remove and an add, which costs and reshapes the graph.
    const known = vector === undefined ? undefined : loaded.index.vector(id);
    if (known !== undefined && vector !== undefined && known.every((x, i) => x === vector[i])) return;
    if (vector === undefined) loaded.index.remove(id);
    else loaded.index.add(id, vector);
    if (loaded.index instanceof HnswIndex) loaded.dirty = true;
    loaded.changes?.push({ id, vector: vector?.slice() });
  }

  /** The partition's index, read from SQLite on first use. */
  private load(partition: Partition): Loaded {
    const known = this.partitions.get(partition);
    if (known !== undefined) return known;
    const { dims } = this.embedder;
    const rows = this.db.prepare('SELECT id, vec FROM t3_vectors WHERE partition = ? AND embedder = ?').all(partition, this.embedder.id);
    const ids: string[] = [];
    const vectors = new Float32Array(rows.length * dims);
    for (const row of rows) {
      const v = floats(row.vec as Uint8Array);
      if (v.length !== dims) continue;
      vectors.set(v, ids.length * dims);
      ids.push(String(row.id));
    }
    let loaded: Loaded | undefined;
    if (ids.length > this.exactLimit) {
      const snapshot = this.db.prepare('SELECT ids, graph FROM t3_graphs WHERE partition = ? AND embedder = ?').get(partition, this.embedder.id);
      if (snapshot !== undefined) loaded = this.fromSnapshot(ids, vectors, String(snapshot.ids), snapshot.graph as Uint8Array);
    }
    if (loaded === undefined) {
      const exact = new ExactIndex(dims, ids.length + 1);
      for (let i = 0; i < ids.length; i++) exact.add(ids[i], vectors.subarray(i * dims, (i + 1) * dims));
      loaded = { index: exact, dirty: false };
    }
    this.partitions.set(partition, loaded);
    this.promote(partition, loaded);
    return loaded;
  }

  /** An HNSW index from a saved graph, if the graph is of exactly the stored ids (else undefined: rebuild). */
  private fromSnapshot(ids: string[], vectors: Float32Array, savedIds: string, graph: Uint8Array): Loaded | undefined {
    const order = JSON.parse(savedIds) as string[];
    if (order.length !== ids.length) return undefined;
    const { dims } = this.embedder;
    const at = new Map(ids.map((id, i) => [id, i]));
    const ordered = new Float32Array(vectors.length);
    for (let i = 0; i < order.length; i++) {
      const j = at.get(order[i]);
      if (j === undefined) return undefined;
      ordered.set(vectors.subarray(j * dims, (j + 1) * dims), i * dims);
    }
    try {
      const links = new Int32Array(graph.buffer.slice(graph.byteOffset, graph.byteOffset + graph.byteLength));
      return { index: HnswIndex.restore(dims, this.hnswOptions, order, ordered, links), dirty: false };
    } catch {
      // A snapshot that does not parse is rebuilt from the vectors (derived data).
      return undefined;
    }
  }

  /** Past the exact limit, build the HNSW graph in a worker; meanwhile the exact index serves and changes are logged. */
  private promote(partition: Partition, loaded: Loaded): void {
    if (!(loaded.index instanceof ExactIndex) || loaded.index.size <= this.exactLimit || loaded.building !== undefined) return;
    const { dims } = this.embedder;
    const exact = loaded.index;
    const ids = [...exact.ids()];
    const vectors = new Float32Array(ids.length * dims);
    ids.forEach((id, i) => vectors.set(exact.vector(id)!, i * dims));
    loaded.changes = [];
    const task: BuildTask = { dims, options: this.hnswOptions, ids, vectors };
    loaded.building = this.workers.run<Int32Array>('hnsw-build', task).then((graph) => {
      const index = HnswIndex.restore(dims, this.hnswOptions, ids, vectors, graph);
      for (const change of loaded.changes ?? []) {
        if (change.vector === undefined) index.remove(change.id);
        else index.add(change.id, change.vector);
      }
      vectors.fill(0);
      loaded.index = index;
      loaded.buildError = undefined;
      loaded.dirty = true;
    }, (error: unknown) => {
      // A failed build (E_WORKERS_BUSY, a crash) leaves the exact index
      // serving — correct, slower — and is retried at the next add; stats() shows it.
      loaded.buildError = error instanceof Error ? error.message : String(error);
    }).finally(() => {
      loaded.building = undefined;
      loaded.changes = undefined;
      // Saved at once: a restart (or a crash) loads the graph instead of building it again.
      if (this.partitions.get(partition) === loaded) {
        try {
          this.save(partition, loaded);
        } catch {
          // A closed database (the tiers were closed during the build): the next start rebuilds.
        }
      }
    });
  }
}
