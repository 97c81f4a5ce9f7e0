// Remote engines (private metasearch): what the search service uses.
// Adapters live one per folder; everything they share is here. See
// docs/search.md "Remote engines", "Privacy model", "How to add an engine".

export { remoteEngines, testedEngineCount, type RemoteEngine } from './registry.ts';
export { EngineError, isEngineError, SUSPENDING, type EngineErrorKind } from './engine-error.ts';
export { EngineHealth, type EngineHealthOptions, type EngineHealthReport } from './engine-health.ts';
export { createEngineFetch, sendOver, decodeBody, type RawSend, type RawResponse } from './engine-fetch.ts';
export { assertCleanRequest, buildEngineRequest, cleanResponseHeaders, COMMON_USER_AGENT, GENERIC_ACCEPT_LANGUAGE, type OutgoingRequest, type ObservedRequest } from './privacy.ts';
export { mergeHits, normalizeUrl, RRF_K } from './merge.ts';
