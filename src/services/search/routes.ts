// The search service's admin routes, under /v1/search/ (what `octant
// search` calls):
//   POST /query {text, engines?, limit?, offset?, filters?, lang?, remote?}
//   GET  /engines
//   GET  /stats
// The work is operator-search.ts's, the same code a command runs when no
// system is up.

import { route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { SEARCH_API } from './endpoints.ts';
import type { OperatorSearch } from './operator-search.ts';

export function searchRoutes(search: OperatorSearch): AdminRoutes {
  return [
    route(SEARCH_API.query, ({ body, signal }) => search.query(body, signal)),
    route(SEARCH_API.engines, () => search.engines()),
    route(SEARCH_API.stats, () => search.stats()),
  ];
}
