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
  /** Forgetting is total: after remove, this tier never returns the id again. */
  remove(partition: Partition, id: string): void | Promise<void>;
  search(partition: Partition, query: string, k: number): TierHit[] | Promise<TierHit[]>;
}
