// The shapes every tier of the context service shares (docs/memory.md).
// One API (put, get, search, forget, relate) with tiers behind it:
// T0 hot map, T1 durable key-value (SQLite), T2 full text, T3 vectors,
// T4 graph. Each tier that can be searched implements RecallTier; hybrid
// recall fuses their ranked lists.

/** An agent's memory partition is named by its agent name (stable across restarts), not its run id. */
export type Partition = string;

/**
 * One memory. Facts are bi-temporal: `validFrom`/`validTo` is when the fact
 * holds in the world as the agent learned it; `recordedAt`/`supersededAt` is
 * when the agent believed it. A contradicting fact closes the old one's
 * validity (validTo) instead of deleting it, so "what is true now" and "what
 * did the agent believe at time T" are both answerable.
 */
export interface Memory {
  id: string;
  partition: Partition;
  /** 'fact' has a subject key and can be contradicted; 'note' and 'turn' are free text. */
  kind: 'fact' | 'note' | 'turn';
  /** For facts: what the fact is about (e.g. 'user.timezone'); a new fact on the same key supersedes. */
  key?: string;
  text: string;
  /** 0..1; recall weighs it. */
  importance: number;
  /** Pinned memories are always in the agent's context (T0). */
  pinned: boolean;
  /** ms since epoch, valid time. */
  validFrom: number;
  validTo?: number;
  /** ms since epoch, transaction time. */
  recordedAt: number;
  supersededAt?: number;
  /** Free-form labels (source task, tool...). */
  tags?: readonly string[];
  /** The relation this memory states, for memories written by relate(). */
  relation?: Relation;
  /** ms since epoch: the last time the same fact was stated again (a repeat confirms, never duplicates). */
  confirmedAt?: number;
}

/** One ranked answer of one tier; fusion works on ranks, not scores. */
export interface TierHit {
  id: string;
  score: number;
}

export interface RecallTier {
  /** 't2' | 't3' | 't4' */
  name: string;
  add(memory: Memory): void | Promise<void>;
  /** Many memories at once (a bulk import): batched transactions and embedding; default one add() each. */
  addMany?(memories: readonly Memory[]): void | Promise<void>;
  /** Forgetting is total: after remove, this tier never returns the id again. */
  remove(partition: Partition, id: string): void | Promise<void>;
  search(partition: Partition, query: string, k: number): TierHit[] | Promise<TierHit[]>;
}

/**
 * A structured relation a memory states ("alice works-at acme"). Stored with
 * the memory (so forgetting the memory forgets the relation in every tier);
 * the graph tier (T4) indexes it as an edge instead of extracting one.
 */
export interface Relation {
  from: string;
  relation: string;
  to: string;
}

/** What put() takes; the store fills id, partition and transaction time. */
export interface PutInput {
  kind: Memory['kind'];
  /** Required for 'fact' (what it is about), refused for the other kinds. */
  key?: string;
  text: string;
  /** 0..1, default 0.5. */
  importance?: number;
  pinned?: boolean;
  /** Valid time; default now. An earlier validFrom on a key corrects what was believed since then. */
  validFrom?: number;
  /** Valid time end (exclusive); default open. */
  validTo?: number;
  tags?: readonly string[];
  relation?: Relation;
}

/**
 * What a put did:
 * - 'created': a new memory;
 * - 'confirmed': the same fact on the same key already held over that valid
 *   time; nothing was duplicated (confirmedAt refreshed);
 * - 'superseded': a contradicting fact: the facts it overlaps keep their
 *   history and have their validity closed (or are retracted when the new
 *   fact covers all of it: `retracted`).
 */
export interface PutResult {
  memory: Memory;
  outcome: 'created' | 'confirmed' | 'superseded';
  /** Ids of the facts whose validity this put closed or split. */
  closed: string[];
  /** Ids of the facts this put covered entirely: no longer believed (still in history). */
  retracted: string[];
}

/**
 * A point in both times: `validAt` (what held in the world then) and
 * `knownAt` (what the agent believed then). Each defaults to now.
 */
export interface TimePoint {
  validAt?: number;
  knownAt?: number;
}

export interface SearchOptions {
  /** Hits wanted (default 10, at most 1000). */
  k?: number;
  kinds?: readonly Memory['kind'][];
  /** Only memories that held at validAt as believed at knownAt; without it, every memory believed now (facts whose validity ended included, ranked lower). */
  asOf?: TimePoint;
}

export interface MemoryHit {
  memory: Memory;
  /** Fused score; higher is better (only comparable within one answer). */
  score: number;
  /** The tiers that returned it ('t2', 't3', 't4'). */
  tiers: string[];
}

/** One ranked list of one tier, as fusion receives it. */
export interface TierList {
  tier: string;
  hits: TierHit[];
}

/**
 * Hybrid recall: fuses the tiers' ranked lists (T2 first, then each
 * RecallTier) into one ranking; `memories` holds every hit's memory (for
 * recency and importance). Supplied by the recall part; the store's default
 * is T2's ranking followed by the other tiers' new ids in rank order.
 */
export type Fuse = (lists: readonly TierList[], memories: ReadonlyMap<string, Memory>, now: number) => TierHit[];

/** Retention of one kind: memories older than maxAgeMs (since last recorded or confirmed) or beyond the newest maxCount are forgotten by sweep(). Pinned memories are kept. */
export interface RetentionRule {
  maxAgeMs?: number;
  maxCount?: number;
}

export type RetentionPolicy = Partial<Record<Memory['kind'], RetentionRule>>;

export interface PartitionStats {
  partition: Partition;
  memories: number;
  byKind: Record<Memory['kind'], number>;
  /** Fact versions kept for history (including superseded ones). */
  versions: number;
  pinned: number;
  /** Bytes of the partition's SQLite file (and its WAL). */
  bytes: number;
}

/**
 * The one API of the context service's store (docs/memory.md): T0 hot map,
 * T1 durable SQLite, T2 full text inside it, and the RecallTiers (T3
 * vectors, T4 graph) it was given. Every read through it sees only what is
 * in T1: a tier can never resurrect a forgotten memory.
 */
export interface ContextStoreApi {
  put(partition: Partition, input: PutInput): Promise<PutResult>;
  /** T0, else T1. The version believed now (for a retracted fact: its last version). */
  get(partition: Partition, id: string): Memory | undefined;
  /** The fact on `key` that holds now, as believed now. */
  current(partition: Partition, key: string): Memory | undefined;
  /** The fact on `key` that held at validAt, as believed at knownAt. */
  asOf(partition: Partition, key: string, at: TimePoint): Memory | undefined;
  /** Every version of every fact on `key`, in transaction-time order. */
  history(partition: Partition, key: string): Memory[];
  search(partition: Partition, query: string, options?: SearchOptions): Promise<MemoryHit[]>;
  /** Removes the memory from every tier (T0, T1, T2 and every RecallTier), history included. False when unknown. */
  forget(partition: Partition, id: string): Promise<boolean>;
  /** Stores a relation as a memory (kind 'note', text "from relation to") that T4 indexes as an edge. */
  relate(partition: Partition, relation: Relation, options?: { importance?: number; tags?: readonly string[] }): Promise<PutResult>;
  /** Pinned memories (always in the agent's context), from T0. */
  pinned(partition: Partition): Memory[];
  /** The newest `n` memories (by when first written; an index read, whatever the partition's size). */
  recent(partition: Partition, n: number): Memory[];
  /** Applies a retention policy now; returns the ids forgotten. */
  sweep(partition: Partition, policy: RetentionPolicy): Promise<string[]>;
  /** The partition as JSON lines (docs/memory.md "Export format"); the first line is the header. */
  exportLines(partition: Partition): string[];
  /** Validates every line first (refused as a whole, naming the line and field), then adds what is new. */
  importLines(partition: Partition, lines: readonly string[]): Promise<{ imported: number; skipped: number }>;
  stats(partition: Partition): PartitionStats;
  /** Partitions that have a file. */
  partitions(): Partition[];
  close(): Promise<void>;
}
