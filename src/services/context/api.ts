// The context service's public API: the one file other layers and services
// import (test/layering.test.ts refuses any other file of this folder from
// outside).

export type { Memory, Partition, RecallTier, TierHit } from './types.ts';
export type { Actor, ContextApi, MemoryInput, MemoryRef, MemoryStore, PartitionExport, PartitionPolicy, PartitionStats, RecallHit } from './context-api.ts';
export { createContext, checkPartition, EXPORT_FORMAT } from './context.ts';
export { sharingRegistry } from './sharing.ts';
