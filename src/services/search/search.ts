// The search service's core: pick the engines of a query, fan it out
// (fan-out.ts), fuse and de-duplicate the hits (merge.ts), cut the page.
// It decides nothing about who may ask: the admin routes (operators) and the
// search.query tool (agents, under their manifest) have checked that before
// they call it, and each has recorded the query in the ledger first. The
// one rule it keeps itself, as defence in depth: an agent's query never
// reaches an operator-only engine (the ledger).

import { EXIT, OctantError } from '../../lib/errors.ts';
import { forAgents, type EngineSet } from './engine-set.ts';
import { fanOut, type EngineReport } from './fan-out.ts';
import { mergeHits } from './remote/index.ts';
import type { QueryRequest } from './query-request.ts';
import type { Engine, EngineCategory, EngineFetch, EngineKind, SearchHit } from './types.ts';

export interface SearchLimits {
  engineTimeoutMs: number;
  deadlineMs: number;
  defaultLimit: number;
  /** Largest offset + limit a query may reach. */
  maxResults: number;
  /** Engines an operator's query goes to when it names none (empty: every local index). */
  defaultEngines: readonly string[];
}

export interface QueryOptions {
  /** Who asks: an agent never reaches an operator-only engine. */
  audience: 'agent' | 'operator';
  /** The egress path for remote engines; without one a remote engine is refused. */
  fetch?: EngineFetch;
  signal?: AbortSignal;
}

export interface QueryResult {
  text: string;
  offset: number;
  limit: number;
  hits: SearchHit[];
  /** Hits after fusion, before the page was cut (at most maxResults). */
  total: number;
  engines: EngineReport[];
}

/** What `octant search engines` shows of one engine. */
export interface EngineInfo {
  name: string;
  kind: EngineKind;
  category: EngineCategory;
  description: string;
  hosts: readonly string[];
  /** Only operators may query it (the ledger). */
  operatorOnly: boolean;
}

export interface SearchCore {
  engines(): EngineInfo[];
  /** The engines a query would go to (the defaults when it names none). */
  resolve(request: QueryRequest, options: Pick<QueryOptions, 'audience' | 'fetch'>): Engine[];
  query(request: QueryRequest, options: QueryOptions): Promise<QueryResult>;
}

export function infoOf(engine: Engine): EngineInfo {
  return { name: engine.name, kind: engine.kind, category: engine.category, description: engine.description, hosts: [...engine.hosts], operatorOnly: !forAgents(engine) };
}

export function createSearchCore(engines: EngineSet, limits: SearchLimits): SearchCore {
  const resolve = (request: QueryRequest, options: Pick<QueryOptions, 'audience' | 'fetch'>): Engine[] => {
    const named = request.engines ?? (options.audience === 'operator' && limits.defaultEngines.length > 0 ? limits.defaultEngines : undefined);
    const chosen = named === undefined
      ? engines.all().filter((e) => e.kind === 'local' && forAgents(e))
      : engines.pick(named, request.engines === undefined ? 'services.search.defaultEngines' : 'engines');
    for (const engine of chosen) {
      if (options.audience === 'agent' && !forAgents(engine)) {
        throw new OctantError('E_SEARCH_DENIED', `engines: ${engine.name} is for operators only`, { exit: EXIT.denied });
      }
      if (engine.kind === 'remote' && options.fetch === undefined) {
        throw new OctantError('E_SEARCH_REMOTE', `engines: ${engine.name} is a remote engine and this query has no way out`, {
          exit: EXIT.usage,
          hint: options.audience === 'operator' ? 'pass --remote to send the query out (with the same privacy rules as agents)' : 'the agent needs an egress proxy (network.destinations)',
        });
      }
    }
    return chosen;
  };
  return {
    engines: () => engines.all().map(infoOf),
    resolve,
    async query(request, options) {
      const offset = request.offset ?? 0;
      const limit = request.limit ?? limits.defaultLimit;
      if (offset + limit > limits.maxResults) {
        throw new OctantError('E_SEARCH_QUERY', `offset: ${offset} + limit ${limit} reaches past the ${limits.maxResults} results a query may page through`, { exit: EXIT.usage, hint: 'services.search.maxResults sets it' });
      }
      const chosen = resolve(request, options);
      const query = { text: request.text, offset, limit, ...(request.filters === undefined ? {} : { filters: request.filters }), ...(request.lang === undefined ? {} : { lang: request.lang }) };
      const { lists, reports } = await fanOut(chosen, query, { engineTimeoutMs: limits.engineTimeoutMs, deadlineMs: limits.deadlineMs, signal: options.signal, fetch: options.fetch });
      const fused = mergeHits(lists).slice(0, limits.maxResults);
      return { text: request.text, offset, limit, hits: fused.slice(offset, offset + limit), total: fused.length, engines: reports };
    },
  };
}
