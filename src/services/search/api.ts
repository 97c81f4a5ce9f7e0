// The search service's public API: the one file other layers and services
// import (test/layering.test.ts refuses any other file of this folder from
// outside): the service, its settings, the shapes of a query and its
// result, the endpoints `octant search` calls, and the query reader the
// search.query tool shares with the admin API.

export { searchService, indexDirOf, SEARCH_CONFIG, type SearchApi } from './index.ts';
export type { Engine, EngineCategory, EngineContext, EngineFetch, EngineKind, SearchHit, SearchQuery } from './types.ts';
export type { EngineInfo, QueryOptions, QueryResult, SearchCore } from './search.ts';
export type { EngineReport } from './fan-out.ts';
export { readQueryRequest, readNameList, ENGINE_NAME, QUERY_LIMITS, type QueryRequest, type FieldError } from './query-request.ts';
export { forAgents } from './engine-set.ts';
export { SEARCH_API, type EngineList, type EngineRow, type OperatorQuery, type SearchStats } from './endpoints.ts';
export { remoteCatalog } from './remote-catalog.ts';
export { createEngineFetch, assertCleanRequest, COMMON_USER_AGENT, type RawSend, type RawResponse, type OutgoingRequest } from './remote/index.ts';
export type { IndexEvent } from './index-jobs.ts';
export type { CorpusInfo, IndexProgress, BuildResult } from './local/index.ts';
export { operatorSearch, type OperatorSearch } from './operator-search.ts';
export { createSearchCore, type SearchLimits } from './search.ts';
export { engineSet, type EngineSet, type EngineSource } from './engine-set.ts';
export { evalFiles, cranfieldFiles, DOC_FORMATS, QUERY_FORMATS, QRELS_FORMATS, type EvalFiles, type EvalOutcome } from './eval/eval-files.ts';
