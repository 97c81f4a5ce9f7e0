// The search service: one place where a query meets every engine it may
// reach, local indexes on this machine, remote engines (only through the
// caller's egress path, with the privacy rules), and the ledger for
// operators, and where their hits are fused, de-duplicated and paged
// (docs/search.md). Agents reach it through the mediated search.query tool
// (agent/tools/search-query.ts), operators through `octant search`. Other
// layers import it through api.ts.

import { isAbsolute, join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { createHttpClient } from '../../lib/outbound/http-client.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { ServiceDefinition } from '../../runtime/supervisor/service.ts';
import type { ObjectSchema } from '../../runtime/config-schema.ts';
import type { LedgerApi } from '../ledger/api.ts';
import type { VaultApi } from '../vault/api.ts';
import { operatorSearch } from './operator-search.ts';
import { createEngineFetch, sendOver } from './remote/index.ts';
import { QUERY_LIMITS } from './query-request.ts';
import { searchRoutes } from './routes.ts';
import type { SearchCore } from './search.ts';

/** Schema of services.search in octant.yaml: the only place its defaults are written. */
export const SEARCH_CONFIG = {
  type: 'object',
  properties: {
    indexDir: { type: 'string', default: '', doc: 'where local indexes are kept (corpora.json and one SQLite file each); empty: search/local under the state directory' },
    defaultEngines: { type: 'array', items: { type: 'string', pattern: /^[a-z0-9][a-z0-9._:-]{0,63}$/ }, default: [], doc: 'engines an operator\'s query goes to when it names none; empty: every local index (never the ledger or a remote engine unless named)' },
    engineTimeoutMs: { type: 'integer', min: 50, max: 60_000, default: 3000, doc: 'how long one engine has to answer a query; a late engine is left out and reported' },
    deadlineMs: { type: 'integer', min: 50, max: 120_000, default: 8000, doc: 'how long a whole query may take; engines not done by then are left out and reported' },
    defaultLimit: { type: 'integer', min: 1, max: QUERY_LIMITS.maxLimit, default: 10, doc: 'hits per page when a query asks for no limit' },
    maxResults: { type: 'integer', min: 1, max: QUERY_LIMITS.maxOffset + QUERY_LIMITS.maxLimit, default: 200, doc: 'how deep a query may page (offset + limit at most this)' },
  },
} as const satisfies ObjectSchema;

/** What the search service offers the services that need it (agents: the search.query tool). */
export type SearchApi = SearchCore;

/** The search records each operator query (append) and redacts what it shows. */
type SearchDeps = {
  ledger: Pick<LedgerApi, 'append'>;
  vault: Pick<VaultApi, 'redact' | 'redactAsync'>;
};

/** Where local indexes live: services.search.indexDir, or search/local under the state directory. */
export function indexDirOf(paths: Paths, indexDir: string): string {
  return indexDir === '' ? join(paths.state, 'search', 'local') : indexDir;
}

export const searchService: ServiceDefinition<SearchApi, SearchDeps, typeof SEARCH_CONFIG> = {
  name: 'search',
  needs: ['ledger', 'vault'],
  configSchema: SEARCH_CONFIG,
  async start(ctx) {
    const { ledger, vault } = ctx.deps;
    if (ctx.config.indexDir !== '' && !isAbsolute(ctx.config.indexDir)) throw new OctantError('E_CONFIG', `services.search.indexDir: must be an absolute path, got ${JSON.stringify(ctx.config.indexDir)}`, { exit: EXIT.usage });
    // An operator's --remote query: the service's own outbound client, the same privacy rules as an agent's.
    const http = createHttpClient({ maxSockets: 16, idleMs: 4_000 });
    const search = operatorSearch({
      paths: ctx.paths,
      settings: ctx.config,
      indexDir: indexDirOf(ctx.paths, ctx.config.indexDir),
      operatorFetch: createEngineFetch(sendOver(http)),
      ledger: ledger.append,
      redact: (text) => vault.redact(text),
      redactAsync: (text) => vault.redactAsync(text),
    });
    ctx.log.info('search started', { engines: search.engines().engines.length });
    return {
      api: search.core,
      routes: searchRoutes(search),
      health: () => ({ ok: true, detail: `${search.engines().engines.length} engine(s)` }),
      stop: async () => {
        await search.close();
        http.close();
      },
    };
  },
};
