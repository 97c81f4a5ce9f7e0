// The context service's public API: the one file other layers and services
// import (test/layering.test.ts refuses any other file of this folder from
// outside).

export type { Memory, Partition, RecallTier, TierHit } from './types.ts';
export type { Actor, ContextApi, ContextStats, MemoryInput, MemoryRef, PartitionPolicy } from './context-api.ts';
export type { ContextStoreApi, MemoryHit, PutResult, Relation } from './store-seam.ts';
export { createContext } from './context.ts';
export { sharingRegistry } from './sharing.ts';
