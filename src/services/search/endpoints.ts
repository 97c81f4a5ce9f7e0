// The search service's admin endpoints, under /v1/search/ (routes.ts serves
// them; `octant search` calls them through the typed client).

import { endpoint } from '../../lib/http/route.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { IndexEvent } from './index-jobs.ts';
import type { CorpusInfo } from './local/index.ts';
import { readQueryRequest, type QueryRequest } from './query-request.ts';
import type { EngineInfo, QueryResult } from './search.ts';

/** An operator's query: the query's fields, and whether it may leave the machine. */
export type OperatorQuery = QueryRequest & { remote?: boolean };

/** What `octant search engines` lists, with the counts it prints. */
export type EngineRow = EngineInfo & { tested: boolean; suspended?: { until: string; reason: string } };

export interface EngineList {
  engines: EngineRow[];
  counts: { local: number; remote: number; tested: number };
}

export interface SearchStats {
  engines: EngineList['counts'];
  /** Queries answered since the service started, and how many of them failed. */
  queries: { total: number; failed: number };
  /** Each local index: its corpus and its figures. */
  indexes: readonly CorpusInfo[];
}

const CORPUS_KIND_NAMES = ['files', 'man', 'usr-doc', 'dpkg', 'git', 'documents'] as const;

function readOperatorQuery(value: unknown): OperatorQuery {
  const fail = (field: string, expected: string): OctantError => new OctantError('E_SEARCH_QUERY', `${field}: ${expected}`, { exit: EXIT.usage });
  const request: OperatorQuery = readQueryRequest(value, fail, 'text', ['remote']);
  const remote = (value as Record<string, unknown>).remote;
  if (remote !== undefined) {
    if (typeof remote !== 'boolean') throw fail('remote', 'must be true or false');
    request.remote = remote;
  }
  return request;
}

export const SEARCH_API = {
  /** Run a query (recorded in the ledger first, hits redacted). */
  query: endpoint<QueryResult>()({ method: 'POST', path: '/query', body: readOperatorQuery }),
  /** Every engine: local indexes, remote adapters, the ledger. */
  engines: endpoint<EngineList>()({ method: 'GET', path: '/engines' }),
  /** Engines, queries so far, per-index figures. */
  stats: endpoint<SearchStats>()({ method: 'GET', path: '/stats' }),
  /** The local indexes. */
  indexes: endpoint<CorpusInfo[]>()({ method: 'GET', path: '/indexes' }),
  /** Register a corpus and build its index: progress as NDJSON, then how it ended. */
  indexAdd: endpoint<AsyncIterable<IndexEvent>>()({
    method: 'POST',
    path: '/indexes/add',
    body: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 96 },
        kind: { type: 'string', enum: CORPUS_KIND_NAMES },
        paths: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 4096 }, maxItems: 64 },
        lang: { type: 'string', maxLength: 16 },
        description: { type: 'string', maxLength: 256 },
      },
      required: ['name', 'kind'],
    },
  }),
  /** Build an index again (incremental): progress as NDJSON, then how it ended. */
  indexRebuild: endpoint<AsyncIterable<IndexEvent>>()({ method: 'POST', path: '/indexes/rebuild', body: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 96 } }, required: ['name'] } }),
  /** Remove an index: its registry entry and its file. */
  indexRemove: endpoint<{ removed: string }>()({ method: 'POST', path: '/indexes/rm', body: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 96 } }, required: ['name'] } }),
};
