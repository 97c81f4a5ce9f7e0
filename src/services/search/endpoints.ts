// The search service's admin endpoints, under /v1/search/ (routes.ts serves
// them; `octant search` calls them through the typed client).

import { endpoint } from '../../lib/http/route.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { readQueryRequest, type QueryRequest } from './query-request.ts';
import type { EngineInfo, QueryResult } from './search.ts';

/** An operator's query: the query's fields, and whether it may leave the machine. */
export type OperatorQuery = QueryRequest & { remote?: boolean };

/** What `octant search engines` lists, with the counts it prints. */
export interface EngineList {
  engines: (EngineInfo & { tested: boolean; suspended?: { until: string; reason: string } })[];
  counts: { local: number; remote: number; tested: number };
}

export interface SearchStats {
  engines: EngineList['counts'];
  /** Queries answered since the service started, and how many of them failed. */
  queries: { total: number; failed: number };
  indexes: readonly Record<string, unknown>[];
}

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
};
