// The admin API's extension point: a service contributes routes (declared
// with lib/http/route.ts) that are mounted under /v1/<service>/, so CLI
// commands such as `octant ledger tail` can ask the running system through
// the admin socket, with the typed client (client.ts) built from the same
// declarations.

import type { Route, RouteRequest } from '../../lib/http/route.ts';

/** Where the admin API's routes are mounted: /v1/<path>, /v1/<service>/<path>. */
export const API_PREFIX = '/v1';

/** One admin route; its body and result types were checked where it was declared. */
export type AdminRoute = Route<unknown, unknown, unknown>;

/** A service's routes, in match order. */
export type AdminRoutes = readonly AdminRoute[];

export type AdminRequest<B = unknown> = RouteRequest<B, unknown>;
