// The context service as the agent layer and operators use it: memory by
// partition (an agent's name), every text redacted through the vault on the
// way in and on the way out, partitions' sharing declarations kept and
// ledgered, retention applied. The tiers behind it (T0..T4, bi-temporal
// facts, forgetting) are the store's (MemoryStore below, types.ts).

import type { MemoryHit, PartitionStats, PutResult, Relation } from './types.ts';
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

/** What the manifest of an agent says about its own partition, applied when it starts (docs/memory.md). */
export interface PartitionPolicy {
  /** Agent names its manifest shares its memory with. */
  shareWith: readonly string[];
  /** Seconds and count, for every kind of memory (pinned ones are kept). */
  retention?: { maxAge?: number; maxCount?: number };
  /** The router deployment its manifest lets T4 extraction send its memory to (memory.remoteExtractor). */
  remoteExtractor?: string;
  /** The router deployment its manifest allows its memory to be sent to for embeddings (absent: none; T3 stays local). */
  remoteEmbedder?: string;
}

/** A recall and the tiers that could not answer it (e.g. T3 when its remote embedder failed), with why. */
export interface RecallAnswer {
  hits: MemoryHit[];
  skipped: { tier: string; reason: string }[];
}

/**
 * What a remote embedder calls the router with, for the agent that granted
 * it: a credentialed deployment's key is injected only for this token (the
 * agent's manifest must grant the credential too). Kept apart from Actor,
 * which goes into ledger entries: a token is never ledgered.
 */
export interface AgentCredentials {
  vaultToken: string;
}

/** Who acts, for the ledger: an agent run (aid and lineage) or the operator. */
export interface Actor {
  agent: string;
  lineage: string[];
}

export interface ContextStats extends PartitionStats {
  /** Agent names the partition is shared with (its owner's last declaration). */
  sharedWith: string[];
  /** T3: the embedder of its vectors (`current`), its owner's choice (`target`: 'default' or 'router:<deployment>'), a re-embed running. */
  embedder?: { current: string; target: string; reembedding: boolean };
}

export interface ContextApi {
  put(partition: Partition, input: MemoryInput): Promise<PutResult>;
  get(partition: Partition, ref: MemoryRef): Promise<Memory | undefined>;
  /** `reader`: the agent that searches (undefined: the operator); a remote embedder embeds only its owner's queries. */
  search(partition: Partition, query: string, k: number, reader?: string): Promise<MemoryHit[]>;
  /** search(), saying which tiers were skipped. */
  recall(partition: Partition, query: string, k: number, reader?: string): Promise<RecallAnswer>;
  /** The pinned memories (always in the agent's context). */
  pinned(partition: Partition): Promise<Memory[]>;
  /** The newest memories, newest first. */
  recent(partition: Partition, n: number): Promise<Memory[]>;
  /** Removes from every tier; returns how many memories were removed (a key's whole history). */
  forget(partition: Partition, ref: MemoryRef): Promise<number>;
  relate(partition: Partition, relation: Relation): Promise<PutResult>;
  /**
   * An agent with memory starts: record (in the ledger, when it changed)
   * whom its partition is shared with and which embedder its T3 uses, and
   * apply its retention.
   */
  attach(partition: Partition, policy: PartitionPolicy, actor: Actor, credentials?: AgentCredentials): Promise<{ expired: number }>;
  /** Does `owner`'s last declaration share its partition with `reader`? */
  sharesWith(owner: Partition, reader: string): boolean;
  partitions(): Promise<Partition[]>;
  stats(partition: Partition): Promise<ContextStats>;
  /** The partition as JSON lines (a header line, then one memory per line). */
  exportLines(partition: Partition): Promise<string[]>;
  /** Adds what is new of an export (every text redacted again). */
  importLines(partition: Partition, lines: readonly string[]): Promise<{ imported: number; skipped: number }>;
}
