// T3 and T4 as the context service runs them on one machine: one SQLite
// file beside the partitions' files (vectors and graph of every partition,
// each row naming its partition), the embed workers, the operator's embedder
// (the built-in one unless another is given) with the choice of a remote one
// per partition (vectors/partition-embedders.ts), and hybrid fusion. The store
// (store/context-store.ts) is handed `tiers` and `fuse`; the owner closes
// this after the store.
//
// Durability: this file holds derived data only (every vector and edge is
// recomputed from the memory's text in T1), so it runs WAL with
// synchronous=NORMAL: a crash may lose the last transactions here, never a
// memory. The graph may instead live in PostgreSQL for a fleet (`graph`:
// graph/postgres-driver.ts; docs/memory.md "Scaling out").

import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openPrivate } from '../../lib/private-files.ts';
import { createWorkerPool, workerSource, type WorkerPool } from '../../lib/worker-pool.ts';
import { hybridFuse, type FusionOptions } from './fusion/fuse.ts';
import { GraphTier } from './graph/graph-tier.ts';
import { sqliteDriver, type SqlDriver } from './graph/sql-driver.ts';
import { memoryTexts } from './store/memory-texts.ts';
import type { Fuse, RecallTier } from './types.ts';
import { builtinEmbedder, embedWorkers } from './vectors/builtin-embedder.ts';
import type { Embedder } from './vectors/embedder.ts';
import { PartitionEmbedders } from './vectors/partition-embedders.ts';
import { VectorTier } from './vectors/vector-tier.ts';

export interface RecallTiersOptions {
  /** The SQLite file of T3 (and T4 unless `graph` is given); not inside the partitions' directory. */
  file: string;
  /** Default: the built-in embedder (no model file, nothing leaves the machine). */
  embedder?: (workers: WorkerPool) => Embedder;
  /** T4 on another database (PostgreSQL for a fleet); default the same SQLite file. */
  graph?: SqlDriver;
  fusion?: FusionOptions;
  /** Default: a pool of its own (embed-worker.ts), closed with these tiers. */
  workers?: WorkerPool;
  /** T4's bulk extraction ('graph-extract'); default: a one-thread pool of its own, closed with these tiers. */
  graphWorkers?: WorkerPool;
  /** T3: vectors per partition past which its index is HNSW (default vector-tier.ts EXACT_LIMIT). */
  exactLimit?: number;
  /** The partitions' directory: a partition whose embedder changes is re-embedded from its texts there. Absent (offline reads): never. */
  memoryDir?: string;
  /** Background failures of T3 (a re-embed that could not finish). */
  log?: (message: string, detail: Record<string, unknown>) => void;
}

export interface RecallTiers {
  /** T3 of the operator's embedder (the partitions that use it). */
  t3: VectorTier;
  /** T3 as the store uses it: each partition in the space of its own embedder, re-embedded when the choice changes. */
  embedders: PartitionEmbedders;
  t4: GraphTier;
  /** [embedders, t4], for the store's `tiers`. */
  tiers: RecallTier[];
  fuse: Fuse;
  workers: WorkerPool;
  /** Saves the HNSW graphs, stops the workers it started, closes the file. */
  close(): Promise<void>;
}

/** T4's extraction pool: one thread of the recall tiers' worker entry (it serves 'graph-extract' too). */
export function graphExtractWorkers(): WorkerPool {
  return createWorkerPool({
    name: 'graph-extract',
    source: workerSource('context-embed', () => new URL('./vectors/embed-worker.ts', import.meta.url)),
    threads: 1,
    queueLimit: 16,
  });
}

export async function openRecallTiers(options: RecallTiersOptions): Promise<RecallTiers> {
  // Owner-only whatever the umask: it names the entities of every agent's
  // memory. SQLite gives its -wal and -shm files the database file's mode.
  closeSync(openPrivate(options.file, 'a'));
  const db = new DatabaseSync(options.file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000');
  const workers = options.workers ?? embedWorkers();
  const embedder = options.embedder?.(workers) ?? builtinEmbedder({ workers });
  const t3 = new VectorTier({ db, embedder, workers, exactLimit: options.exactLimit });
  const dir = options.memoryDir;
  const embedders = new PartitionEmbedders({
    db, workers, fallback: { embedder, tier: t3 }, exactLimit: options.exactLimit, log: options.log,
    ...(dir !== undefined ? { source: (partition: string) => memoryTexts(join(dir, `${partition}.sqlite`)) } : {}),
  });
  // T4's extraction has a thread of its own: an HNSW build (minutes at
  // 100 000 vectors) in the embed pool must not hold an import's graph behind it.
  const graphWorkers = options.graphWorkers ?? graphExtractWorkers();
  const t4 = new GraphTier({ driver: options.graph ?? sqliteDriver(db), workers: graphWorkers });
  await t4.init();
  return {
    t3,
    embedders,
    t4,
    tiers: [embedders, t4],
    fuse: hybridFuse(options.fusion),
    workers,
    async close() {
      await embedders.stop();
      embedders.checkpoint();
      if (options.workers === undefined) await workers.close();
      if (options.graphWorkers === undefined) await graphWorkers.close();
      if (options.graph !== undefined) await options.graph.close();
      db.close();
    },
  };
}
