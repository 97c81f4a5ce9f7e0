// The context service as the agent layer and operators use it: memory by
// partition (an agent's name), every text redacted through the vault on the
// way in and on the way out, partitions' sharing declarations kept and
// ledgered, retention applied. The tiers behind it (T0..T4, bi-temporal
// facts, forgetting) are the store's (MemoryStore below, types.ts).

import type { Memory, Partition } from './types.ts';

/** What a caller asks to remember. */
export interface MemoryInput {
  /** Default: 'fact' when a key is given, else 'note'. */
  kind?: Memory['kind'];
  /** A fact's subject; a new fact on the same key supersedes the old one (kept in history). */
  key?: string;
  text: string;
  /** 0..1, default 0.5. */
  importance?: number;
  pinned?: boolean;
  tags?: readonly string[];
}

/** One memory by id, or the fact now valid for a key. */
export type MemoryRef = { id: string } | { key: string };

export interface RecallHit {
  memory: Memory;
  score: number;
}

/** What an agent's manifest says about its own partition, applied when it starts (docs/memory.md). */
export interface PartitionPolicy {
  /** Agent names its manifest shares its memory with. */
  shareWith: readonly string[];
  retention?: { maxAge?: number; maxCount?: number };
}

/** Who acts, for the ledger: an agent run (aid and lineage) or the operator. */
export interface Actor {
  agent: string;
  lineage: string[];
}

export interface PartitionStats {
  partition: Partition;
  /** Memories valid now (facts not superseded, notes, turns). */
  current: number;
  /** Everything kept, history included. */
  total: number;
  pinned: number;
  /** Agent names the partition is shared with (its owner's last declaration). */
  sharedWith: string[];
}

/** An export of one partition: every memory, history included, as JSON lines' objects. */
export interface PartitionExport {
  format: 'octant-memory/1';
  partition: Partition;
  memories: Memory[];
}

export interface ContextApi {
  put(partition: Partition, input: MemoryInput): Promise<Memory>;
  get(partition: Partition, ref: MemoryRef): Promise<Memory | undefined>;
  search(partition: Partition, query: string, k: number): Promise<RecallHit[]>;
  /** The pinned memories valid now (always in the agent's context). */
  pinned(partition: Partition): Promise<Memory[]>;
  /** Memories valid now, newest first (with `history`, superseded ones too). */
  list(partition: Partition, options?: { limit?: number; history?: boolean }): Promise<Memory[]>;
  /** Removes from every tier; returns how many memories (versions included) were removed. */
  forget(partition: Partition, ref: MemoryRef): Promise<number>;
  relate(partition: Partition, from: string, relation: string, to: string): Promise<unknown>;
  /**
   * An agent with memory starts: record (in the ledger, when it changed)
   * whom its partition is shared with, and apply its retention.
   */
  attach(partition: Partition, policy: PartitionPolicy, actor: Actor): Promise<{ expired: number }>;
  /** Does `owner`'s last declaration share its partition with `reader`? */
  sharesWith(owner: Partition, reader: string): boolean;
  partitions(): Promise<Partition[]>;
  stats(partition: Partition): Promise<PartitionStats>;
  exportPartition(partition: Partition): Promise<PartitionExport>;
  /** Adds the exported memories (texts redacted again); returns how many were added. */
  importPartition(partition: Partition, data: PartitionExport): Promise<number>;
}

/**
 * What the context service needs of the tiered store. The store owns the
 * tiers, the temporal model and total forgetting; this seam is all the
 * service uses of it.
 */
export interface MemoryStore {
  put(partition: Partition, input: MemoryInput & { kind: Memory['kind']; importance: number; pinned: boolean }): Promise<Memory>;
  get(partition: Partition, id: string): Promise<Memory | undefined>;
  /** The fact valid now for `key`. */
  current(partition: Partition, key: string): Promise<Memory | undefined>;
  /** Every version of `key`'s fact, oldest first. */
  history(partition: Partition, key: string): Promise<Memory[]>;
  search(partition: Partition, query: string, k: number): Promise<RecallHit[]>;
  list(partition: Partition, options: { limit: number; history: boolean }): Promise<Memory[]>;
  forget(partition: Partition, id: string): Promise<boolean>;
  relate(partition: Partition, from: string, relation: string, to: string): Promise<unknown>;
  partitions(): Promise<Partition[]>;
  /** Put a memory back as it was (import): its times and id kept. */
  restore(partition: Partition, memory: Memory): Promise<void>;
  close(): Promise<void>;
}
