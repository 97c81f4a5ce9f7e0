// T3 with the embedder chosen per partition (docs/memory.md "Which embedder
// a partition uses"). The RecallTier the store is handed as 't3': it keeps,
// per partition, which embedder made its vectors and which one its owner's
// manifest chose, and puts each partition's work on a VectorTier of that
// embedder's space.
//
//   - the choice: the agent's signed manifest `memory.remoteEmbedder` (set by
//     select() when the agent starts) -> the router's /v1/embeddings of
//     exactly that deployment; otherwise the operator's embedder (the
//     configured local model, or the built-in one);
//   - identity: t3_embedders (partition, current, target, complete) records
//     the space of the partition's vectors (`current`: the embedder id, kind
//     model and dims included) and the choice (`target`: 'default' or
//     'router:<deployment>'). A query is embedded only by the embedder of
//     `current`, so vectors of two spaces (or two sizes) are never compared;
//   - re-embedding: when the choice differs from `current`, every memory of
//     the partition is embedded again in the background (texts read from T1
//     a page at a time, embedded in the embed workers or by the provider)
//     into t3_staging, then swapped in with one transaction. Until then T3
//     answers from the old vectors when their embedder can still embed the
//     query, and is skipped otherwise;
//   - fail closed: a remote embedder that fails, or is not granted in this
//     run, makes the recall skip T3 (it goes on with T2 and T4, and says so:
//     recall-scope.ts); memory text is never sent anywhere else instead.
//     A remote embedder embeds queries only for the agent that granted it:
//     a reader of a shared partition, or the operator, gets T3 skipped
//     there, never its query sent on the owner's grant.
//
// A forget during a re-embed removes the memory's staged vector too, and
// the re-embed never stages an id forgotten since it began.

import type { DatabaseSync } from 'node:sqlite';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import { inTransaction } from '../../../lib/sqlite-transaction.ts';
import type { WorkerPool } from '../../../lib/worker-pool.ts';
import { currentRecallScope } from '../recall-scope.ts';
import type { MemoryText } from '../store/memory-texts.ts';
import type { Memory, Partition, RecallTier, TierHit } from '../types.ts';
import { builtinEmbedder } from './builtin-embedder.ts';
import type { Embedder } from './embedder.ts';
import { HASHED_EMBEDDING_VERSION } from './hashed-embedding.ts';
import { routerEmbedder, type EmbedTransport } from './router-embedder.ts';
import { VectorTier } from './vector-tier.ts';

/** A remote embedder an agent's manifest granted: its deployment, and the transport bound to that agent and only that deployment. */
export interface RemoteGrant {
  deployment: string;
  transport: EmbedTransport;
}

/** Pages of a partition's memory texts (store/memory-texts.ts). */
export type MemorySource = (partition: Partition) => Iterable<MemoryText[]>;

export interface PartitionEmbeddersOptions {
  db: DatabaseSync;
  workers: WorkerPool;
  /** The operator's embedder (configured local model, or the built-in one) and its tier. */
  fallback: { embedder: Embedder; tier: VectorTier };
  exactLimit?: number;
  /** Where re-embedding reads texts from; absent (offline reads): never re-embeds. */
  source?: MemorySource;
  /** Background failures (a re-embed that could not finish). */
  log?: (message: string, detail: Record<string, unknown>) => void;
}

interface State {
  /** The embedder id of the partition's vectors. */
  current: string;
  /** 'default' or 'router:<deployment>'. */
  target: string;
  /** False when a memory could not be embedded by `current` (it is re-embedded whole). */
  complete: boolean;
}

interface Job {
  removed: Set<string>;
  pending: MemoryText[];
  done: Promise<void>;
}

/** Sent to a remote embedder to learn its vector size: a constant, never memory text. */
export const DIMS_PROBE = 'dimensions probe';
/** After a failed re-embed, wait this long before the next try (an add or a select retries). */
const RETRY_MS = 60_000;
/** Texts per staged batch (a remote embedder splits it into its own requests). */
const BATCH = 256;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS t3_embedders (
  partition TEXT PRIMARY KEY, current TEXT NOT NULL, target TEXT NOT NULL, complete INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS t3_staging (
  partition TEXT NOT NULL, id TEXT NOT NULL, embedder TEXT NOT NULL, vec BLOB NOT NULL,
  PRIMARY KEY (partition, id)
);`;

const blob = (v: Float32Array): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** 'router:<deployment>:<dims>' -> its parts (deployment ids may hold ':'). */
export function parseRouterId(id: string): { deployment: string; dims: number } | undefined {
  const m = /^router:(.+):(\d+)$/.exec(id);
  return m === null ? undefined : { deployment: m[1], dims: Number(m[2]) };
}

/** The vector size an embedder id names (every id ends in it). */
function dimsOf(id: string): number {
  const m = /[-:](\d+)$/.exec(id);
  if (m === null) throw new Error(`embedder id without a size: ${id}`);
  return Number(m[1]);
}

export class PartitionEmbedders implements RecallTier {
  readonly name = 't3';
  private readonly db: DatabaseSync;
  private readonly options: PartitionEmbeddersOptions;
  private readonly states = new Map<Partition, State>();
  private readonly grants = new Map<Partition, RemoteGrant>();
  /** VectorTiers by embedder id (router ones per partition: `id@partition`, each bound to that partition's grant). */
  private readonly tiers = new Map<string, VectorTier>();
  private readonly builtins = new Map<number, Embedder>();
  private readonly jobs = new Map<Partition, Job>();
  private readonly failedAt = new Map<Partition, number>();
  private stopping = false;

  constructor(options: PartitionEmbeddersOptions) {
    this.db = options.db;
    this.options = options;
    this.db.exec(SCHEMA);
    this.tiers.set(options.fallback.embedder.id, options.fallback.tier);
  }

  /** The partition's choice now ('default' or 'router:<deployment>') and the embedder of its vectors. */
  identity(partition: Partition): { current: string; target: string; reembedding: boolean } {
    const s = this.state(partition);
    return { current: s.current, target: s.target, reembedding: this.jobs.has(partition) };
  }

  /**
   * The agent that owns `partition` starts: its manifest's remote embedder
   * grant (undefined: none) becomes the partition's choice. A change starts
   * re-embedding; the caller has ledgered it first.
   */
  select(partition: Partition, grant: RemoteGrant | undefined): void {
    const s = this.state(partition);
    if (grant === undefined) this.grants.delete(partition);
    else this.grants.set(partition, grant);
    this.failedAt.delete(partition);
    const target = grant === undefined ? 'default' : `router:${grant.deployment}`;
    if (s.target !== target) {
      s.target = target;
      this.persist(partition, s);
    }
    this.kick(partition);
  }

  async add(memory: Memory): Promise<void> {
    await this.addMany([memory]);
  }

  /** A bulk import: each partition's memories embedded as one batch (in the workers) by that partition's embedder. */
  async addMany(memories: readonly Memory[]): Promise<void> {
    const byPartition = new Map<Partition, Memory[]>();
    for (const m of memories) {
      const list = byPartition.get(m.partition);
      if (list === undefined) byPartition.set(m.partition, [m]);
      else list.push(m);
    }
    for (const [p, batch] of byPartition) {
      const s = this.state(p);
      // Indexed in the space of the partition's vectors; when that embedder
      // cannot embed now (a remote one not granted, or failing), the memories
      // are left out and the partition marked for re-embedding, never embedded elsewhere.
      if (this.unusable(p, s.current, p) === undefined) {
        try {
          await this.tierOf(p, s.current).addMany(batch);
        } catch (error) {
          this.incomplete(p, s, error);
        }
      } else {
        this.incomplete(p, s, undefined);
      }
      this.jobs.get(p)?.pending.push(...batch.map((m) => ({ id: m.id, text: m.text })));
      this.kick(p);
    }
  }

  remove(partition: Partition, id: string): void {
    this.db.prepare('DELETE FROM t3_staging WHERE partition = ? AND id = ?').run(partition, id);
    const job = this.jobs.get(partition);
    if (job !== undefined) {
      job.removed.add(id);
      job.pending = job.pending.filter((m) => m.id !== id);
    }
    // Deletes the row whatever its embedder, drops the saved graph, scrubs the WAL.
    this.tierOf(partition, this.state(partition).current).remove(partition, id);
  }

  async search(partition: Partition, query: string, k: number): Promise<TierHit[]> {
    const scope = currentRecallScope();
    const s = this.state(partition);
    const why = this.unusable(partition, s.current, scope?.reader);
    if (why !== undefined) {
      scope?.skipped.push({ tier: 't3', reason: why });
      return [];
    }
    try {
      return await this.tierOf(partition, s.current).search(partition, query, k);
    } catch (error) {
      // Fail closed: no other embedder is tried; the recall goes on without T3.
      scope?.skipped.push({ tier: 't3', reason: `the embedder ${s.current} failed: ${message(error)}` });
      return [];
    }
  }

  /** Resolves when no re-embedding of `partition` is running. */
  async settled(partition: Partition): Promise<void> {
    while (this.jobs.has(partition)) await this.jobs.get(partition)!.done;
  }

  /** Saves the HNSW graphs of every embedder's tier. */
  checkpoint(): void {
    for (const tier of this.tiers.values()) tier.checkpoint();
  }

  /** Stops the running re-embeds (at their next batch; what they staged is dropped) and starts no more. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  private state(partition: Partition): State {
    const known = this.states.get(partition);
    if (known !== undefined) return known;
    const row = this.db.prepare('SELECT current, target, complete FROM t3_embedders WHERE partition = ?').get(partition);
    let s: State;
    if (row !== undefined) {
      s = { current: String(row.current), target: String(row.target), complete: row.complete === 1 };
    } else {
      // A partition from before the choice existed: its vectors name their embedder.
      const legacy = this.db.prepare('SELECT embedder FROM t3_vectors WHERE partition = ? LIMIT 1').get(partition);
      s = { current: legacy === undefined ? this.options.fallback.embedder.id : String(legacy.embedder), target: 'default', complete: true };
      // Offline reads (no source) record nothing: a read changes no file.
      if (this.options.source !== undefined) this.persist(partition, s);
    }
    this.states.set(partition, s);
    this.kick(partition);
    return s;
  }

  private persist(partition: Partition, s: State): void {
    this.db.prepare('INSERT OR REPLACE INTO t3_embedders (partition, current, target, complete) VALUES (?, ?, ?, ?)').run(partition, s.current, s.target, s.complete ? 1 : 0);
  }

  private incomplete(partition: Partition, s: State, error: unknown): void {
    if (error !== undefined) this.options.log?.('memory: T3 could not embed a memory; the partition will be re-embedded', { partition, embedder: s.current, error: message(error) });
    if (!s.complete) return;
    s.complete = false;
    this.persist(partition, s);
  }

  /** Does the partition's vector space match its choice (and hold every memory)? */
  private upToDate(s: State): boolean {
    if (!s.complete) return false;
    if (s.target === 'default') return s.current === this.options.fallback.embedder.id;
    return `router:${parseRouterId(s.current)?.deployment}` === s.target;
  }

  /**
   * Why the embedder `id` cannot embed for `partition` now (undefined: it can).
   * `reader`: who the text is for; a remote embedder embeds only for the
   * agent that granted it.
   */
  private unusable(partition: Partition, id: string, reader: string | undefined): string | undefined {
    const remote = parseRouterId(id);
    if (remote === undefined) return this.localEmbedder(id) === undefined ? `its vectors are of ${id}, an embedder not configured now (re-embedding)` : undefined;
    if (reader !== partition) return `its vectors are of the remote embedder '${remote.deployment}', which only ${partition}'s own searches may use`;
    if (this.grants.get(partition)?.deployment !== remote.deployment) return `the remote embedder '${remote.deployment}' is not granted in this run (${partition}'s manifest must name it, and ${partition} must have started)`;
    return undefined;
  }

  /** A local embedder for the id: the operator's, or the built-in one of a size (always available). */
  private localEmbedder(id: string): Embedder | undefined {
    if (id === this.options.fallback.embedder.id) return this.options.fallback.embedder;
    const hashed = /^hashed-v(\d+)-(\d+)$/.exec(id);
    if (hashed === null || Number(hashed[1]) !== HASHED_EMBEDDING_VERSION) return undefined;
    const dims = Number(hashed[2]);
    let embedder = this.builtins.get(dims);
    if (embedder === undefined) {
      embedder = builtinEmbedder({ workers: this.options.workers, dims });
      this.builtins.set(dims, embedder);
    }
    return embedder;
  }

  /** The remote embedder of the partition's grant, of a known size. */
  private remoteEmbedder(partition: Partition, deployment: string, dims: number): Embedder {
    const grant = this.grants.get(partition);
    // routerEmbedder itself refuses (E_MEMORY_EGRESS) unless the grant names this deployment.
    return routerEmbedder({ model: deployment, allowed: grant?.deployment, dims, transport: grant?.transport ?? (async () => []) });
  }

  /** The VectorTier of the embedder `id` for `partition` (its embedder resolved at each call: a grant may come or go). */
  private tierOf(partition: Partition, id: string): VectorTier {
    const remote = parseRouterId(id);
    const key = remote === undefined ? id : `${id}@${partition}`;
    let tier = this.tiers.get(key);
    if (tier === undefined) {
      const resolve = (): Embedder => {
        const found = remote === undefined ? this.localEmbedder(id) : this.remoteEmbedder(partition, remote.deployment, remote.dims);
        if (found === undefined) throw new OctantError('E_MEMORY_EMBEDDER', `T3: the embedder ${id} is not configured`, { exit: EXIT.unavailable });
        return found;
      };
      const late: Embedder = { id, dims: dimsOf(id), ...(remote === undefined ? { minSimilarity: this.localEmbedder(id)?.minSimilarity } : {}), embed: (texts) => resolve().embed(texts) };
      tier = new VectorTier({ db: this.db, embedder: late, workers: this.options.workers, exactLimit: this.options.exactLimit });
      this.tiers.set(key, tier);
    }
    return tier;
  }

  /** The embedder the target names, ready to embed (a remote one's size learned from a probe), or undefined. */
  private async targetEmbedder(partition: Partition, target: string): Promise<Embedder | undefined> {
    if (target === 'default') return this.options.fallback.embedder;
    const grant = this.grants.get(partition);
    if (grant === undefined || target !== `router:${grant.deployment}`) return undefined;
    const [probe] = await grant.transport(grant.deployment, [DIMS_PROBE]);
    if (!Array.isArray(probe) || probe.length === 0) throw new OctantError('E_MEMORY_EMBEDDER', `embedder '${grant.deployment}' returned no vector for the size probe`, { exit: EXIT.unavailable });
    return this.remoteEmbedder(partition, grant.deployment, probe.length);
  }

  /** Starts re-embedding when the partition is not up to date and its target can embed now. */
  private kick(partition: Partition): void {
    const s = this.states.get(partition);
    const source = this.options.source;
    if (s === undefined || source === undefined || this.stopping || this.jobs.has(partition) || this.upToDate(s)) return;
    if (s.target !== 'default' && this.grants.get(partition) === undefined) return;
    const failed = this.failedAt.get(partition);
    if (failed !== undefined && Date.now() - failed < RETRY_MS) return;
    const job: Job = { removed: new Set(), pending: [], done: Promise.resolve() };
    this.jobs.set(partition, job);
    job.done = this.reembed(partition, s, job, source).then(
      () => {
        this.failedAt.delete(partition);
      },
      (error: unknown) => {
        this.failedAt.set(partition, Date.now());
        this.db.prepare('DELETE FROM t3_staging WHERE partition = ?').run(partition);
        this.options.log?.('memory: re-embedding failed; T3 keeps the old vectors (or is skipped) until it succeeds', { partition, target: s.target, error: message(error) });
      },
    ).finally(() => this.jobs.delete(partition));
  }

  private async reembed(partition: Partition, s: State, job: Job, source: MemorySource): Promise<void> {
    // Off the event loop's critical path: each page is embedded in the
    // workers (or by the provider), and only written here.
    await Promise.resolve();
    for (;;) {
      const target = s.target;
      const embedder = await this.targetEmbedder(partition, target);
      if (embedder === undefined) return;
      this.db.prepare('DELETE FROM t3_staging WHERE partition = ?').run(partition);
      for (const page of source(partition)) {
        await this.stage(partition, embedder, page, job);
        if (s.target !== target) break;
      }
      while (job.pending.length > 0 && s.target === target) await this.stage(partition, embedder, job.pending.splice(0), job);
      if (s.target !== target) continue;
      this.swap(partition, s, embedder.id);
      return;
    }
  }

  private async stage(partition: Partition, embedder: Embedder, rows: readonly MemoryText[], job: Job): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      if (this.stopping) throw new Error('stopping');
      const part = rows.slice(i, i + BATCH).filter((r) => !job.removed.has(r.id));
      if (part.length === 0) continue;
      const vectors = await embedder.embed(part.map((r) => r.text));
      const put = this.db.prepare('INSERT OR REPLACE INTO t3_staging (partition, id, embedder, vec) VALUES (?, ?, ?, ?)');
      this.transaction(() => {
        // A forget that came during the embed: its vector is never staged.
        for (let j = 0; j < part.length; j++) if (!job.removed.has(part[j].id)) put.run(partition, part[j].id, embedder.id, blob(vectors[j]));
      });
    }
  }

  /** The staged vectors become the partition's, in one transaction; every loaded index of it is dropped. */
  private swap(partition: Partition, s: State, id: string): void {
    const next: State = { ...s, current: id, complete: true };
    this.transaction(() => {
      this.db.prepare('DELETE FROM t3_vectors WHERE partition = ?').run(partition);
      this.db.prepare('INSERT INTO t3_vectors (partition, id, embedder, vec) SELECT partition, id, embedder, vec FROM t3_staging WHERE partition = ?').run(partition);
      this.db.prepare('DELETE FROM t3_staging WHERE partition = ?').run(partition);
      this.db.prepare('DELETE FROM t3_graphs WHERE partition = ?').run(partition);
      this.persist(partition, next);
    });
    Object.assign(s, next);
    for (const tier of this.tiers.values()) tier.unload(partition);
  }

  private transaction(fn: () => void): void {
    inTransaction(this.db, fn);
  }
}
