// The context service's public API: the one file other layers and services
// import (test/layering.test.ts refuses any other file of this folder from
// outside). Besides the service and its types: the tiered store and the
// core for tests and offline reads (`octant memory` with no system running).

export { contextService, CONTEXT_CONFIG, memoryDir, type ContextServiceApi } from './index.ts';
export type { ContextStoreApi, Memory, MemoryHit, Partition, PartitionStats, PutResult, RecallTier, Relation, TierHit } from './types.ts';
export type { Actor, AgentCredentials, ContextApi, ContextStats, MemoryInput, MemoryRef, PartitionPolicy } from './context-api.ts';
export { createContext } from './context.ts';
export { sharingRegistry } from './sharing.ts';
export { createContextStore } from './store/context-store.ts';
export { openContextOffline } from './offline.ts';
export { CONTEXT_API } from './endpoints.ts';
export { readEvalFile, readEvalSet } from './eval/read-eval-set.ts';
export { EVAL_FORMATS, type EvalConversation, type EvalFormat, type EvalQuestion, type EvalSet, type EvalTurn } from './eval/eval-set.ts';
export { runMemoryEval, EVAL_METHODS, type EvalMethod, type EvalReport } from './eval/run-eval.ts';
export { evalLines } from './eval/jsonl.ts';
export { configuredEmbedder } from './eval/configured-embedder.ts';
