// The search service's admin routes, under /v1/search/ (what `octant
// search` calls):
//   POST /query {text, engines?, limit?, offset?, filters?, lang?, remote?}
//   GET  /engines
//   GET  /stats
// An operator's query takes the same path as an agent's: recorded in the
// ledger before it runs, its hits redacted before they are shown, its
// outcome recorded. It reaches remote engines only when it says `remote`
// (and the service has a way out for operators: index.ts).

import { messageOf, isOctantError } from '../../lib/errors.ts';
import { route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { OPERATOR_AGENT, type LedgerAppend } from '../ledger/api.ts';
import { SEARCH_API, type EngineList, type SearchStats } from './endpoints.ts';
import type { SearchCore } from './search.ts';
import type { EngineFetch, SearchHit } from './types.ts';

export interface SearchRouteDeps {
  core: SearchCore;
  ledger: LedgerAppend;
  redact(text: string): string;
  redactAsync(text: string): Promise<string>;
  /** The service's own way out for an operator's remote query; absent: none. */
  operatorFetch?: EngineFetch;
  engines(): EngineList;
  stats(): Promise<SearchStats> | SearchStats;
  /** Counts each answered query (stats). */
  counted(ok: boolean): void;
}

/** Every string of the hits through the vault's redactor: a local file can hold a secret. */
export async function redactHits(hits: readonly SearchHit[], redact: (text: string) => Promise<string>): Promise<SearchHit[]> {
  const out: SearchHit[] = [];
  for (const hit of hits) {
    const meta: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(hit.meta ?? {})) meta[await redact(k)] = typeof v === 'string' ? await redact(v) : v;
    out.push({
      id: await redact(hit.id),
      engine: hit.engine,
      title: await redact(hit.title),
      ...(hit.url === undefined ? {} : { url: await redact(hit.url) }),
      snippet: await redact(hit.snippet),
      score: hit.score,
      ...(hit.meta === undefined ? {} : { meta }),
    });
  }
  return out;
}

export function searchRoutes(deps: SearchRouteDeps): AdminRoutes {
  return [
    route(SEARCH_API.query, async ({ body, signal }) => {
      const fetch = body.remote === true ? deps.operatorFetch : undefined;
      // Resolving first refuses an unknown or remote engine before anything is recorded as allowed.
      const engines = deps.core.resolve(body, { audience: 'operator', fetch }).map((e) => e.name);
      const base = { agent: OPERATOR_AGENT, lineage: [], kind: 'search', action: 'search.query', target: deps.redact(body.text) };
      await deps.ledger({ ...base, decision: 'allow', detail: { engines, remote: body.remote === true } });
      try {
        const result = await deps.core.query({ ...body, engines }, { audience: 'operator', fetch, signal });
        const hits = await redactHits(result.hits, deps.redactAsync);
        const failed = result.engines.filter((r) => !r.ok).map((r) => r.engine);
        await deps.ledger({ ...base, action: 'search.query.done', decision: 'ok', detail: { hits: hits.length, total: result.total, failed } });
        deps.counted(true);
        return { ...result, hits };
      } catch (error) {
        deps.counted(false);
        await deps.ledger({ ...base, action: 'search.query.done', decision: 'error', detail: { code: isOctantError(error) ? error.code : 'E_SEARCH_FAILED', reason: deps.redact(messageOf(error)) } });
        throw error;
      }
    }),
    route(SEARCH_API.engines, () => deps.engines()),
    route(SEARCH_API.stats, () => deps.stats()),
  ];
}
