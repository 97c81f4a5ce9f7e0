// The store's API as the context service uses it, until the tiered store's
// own declaration (ContextStoreApi in types.ts) is in this tree: the same
// names and shapes, so the service is built against it unchanged.

import type { Memory, Partition } from './types.ts';

export interface Relation {
  from: string;
  relation: string;
  to: string;
}

export interface PutInput {
  kind: Memory['kind'];
  key?: string;
  text: string;
  importance?: number;
  pinned?: boolean;
  validFrom?: number;
  validTo?: number;
  tags?: readonly string[];
  relation?: Relation;
}

export interface PutResult {
  memory: Memory;
  outcome: 'created' | 'confirmed' | 'superseded';
  closed: string[];
  retracted: string[];
}

export interface SearchOptions {
  k?: number;
  kinds?: readonly Memory['kind'][];
}

export interface MemoryHit {
  memory: Memory;
  score: number;
  tiers: string[];
}

export interface RetentionRule {
  maxAgeMs?: number;
  maxCount?: number;
}

export type RetentionPolicy = Partial<Record<Memory['kind'], RetentionRule>>;

export interface PartitionStats {
  partition: Partition;
  memories: number;
  byKind: Record<Memory['kind'], number>;
  versions: number;
  pinned: number;
  bytes: number;
}

export interface ContextStoreApi {
  put(partition: Partition, input: PutInput): Promise<PutResult>;
  get(partition: Partition, id: string): Memory | undefined;
  current(partition: Partition, key: string): Memory | undefined;
  history(partition: Partition, key: string): Memory[];
  search(partition: Partition, query: string, options?: SearchOptions): Promise<MemoryHit[]>;
  forget(partition: Partition, id: string): Promise<boolean>;
  relate(partition: Partition, relation: Relation, options?: { importance?: number; tags?: readonly string[] }): Promise<PutResult>;
  pinned(partition: Partition): Memory[];
  recent(partition: Partition, n: number): Memory[];
  sweep(partition: Partition, policy: RetentionPolicy): Promise<string[]>;
  exportLines(partition: Partition): string[];
  importLines(partition: Partition, lines: readonly string[]): Promise<{ imported: number; skipped: number }>;
  stats(partition: Partition): PartitionStats;
  partitions(): Partition[];
  close(): Promise<void>;
}
