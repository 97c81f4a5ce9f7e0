// The search service's admin routes, under /v1/search/ (what `octant
// search` calls):
//   POST /query {text, engines?, limit?, offset?, filters?, lang?, remote?}
//   GET  /engines
//   GET  /stats
//   GET  /indexes
//   POST /indexes/add {name, kind, paths?, lang?, description?}   NDJSON progress, then the end
//   POST /indexes/rebuild {name}                                  NDJSON progress, then the end
//   POST /indexes/rm {name}
// The work is operator-search.ts's, the same code a command runs when no
// system is up.

import { ndjson, route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { SEARCH_API } from './endpoints.ts';
import type { OperatorSearch } from './operator-search.ts';

export function searchRoutes(search: OperatorSearch): AdminRoutes {
  return [
    route(SEARCH_API.query, ({ body, signal }) => search.query(body, signal)),
    route(SEARCH_API.engines, () => search.engines()),
    route(SEARCH_API.stats, () => search.stats()),
    route(SEARCH_API.indexes, () => search.indexes.list()),
    route(SEARCH_API.indexAdd, async ({ body, signal }) => ndjson(await search.indexes.add(body, signal))),
    route(SEARCH_API.indexRebuild, async ({ body, signal }) => ndjson(await search.indexes.rebuild(body.name, signal))),
    route(SEARCH_API.indexRemove, ({ body }) => search.indexes.remove(body.name)),
  ];
}
