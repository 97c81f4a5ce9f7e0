// The admin API: HTTP/1.1 with JSON bodies over the owner-only Unix socket
// <run>/admin.sock (socket.ts), served by the HTTP core (lib/http):
//   /v1/<path>            the system's own routes (status, stop)
//   /v1/<service>/<path>  routes a running service contributes (RunningService.routes)
// Errors answer {error: {code, message, hint, detail, exit}} with the status
// the core derives (lib/http/errors.ts); the client rebuilds the same
// OctantError from the body (code and exit code both), so a command run
// through the admin API exits exactly as it would in-process.

import { createServer as createNetServer } from 'node:net';
import { messageOf } from '../../lib/errors.ts';
import type { Surface } from '../../lib/http/errors.ts';
import { serveOn } from '../../lib/http/listen.ts';
import type { RouteGroup } from '../../lib/http/route.ts';
import type { HttpApp } from '../../lib/http/serve.ts';
import { silentLogger, type Logger } from '../log.ts';
import { API_PREFIX, type AdminRoutes } from './types.ts';
import { listenOwnerOnly } from './socket.ts';

export { API_PREFIX };

/** How the admin API names its refusals: E_ADMIN_NOT_FOUND, 'admin API: request body: ...'. */
export const ADMIN_SURFACE: Surface = { label: 'admin API', prefix: 'E_ADMIN' };

export interface AdminServerOptions {
  socketPath: string;
  /** The system's own routes, under /v1/. */
  routes: AdminRoutes;
  /** Routes of running services, looked up at each request. */
  serviceRoutes?: () => ReadonlyMap<string, AdminRoutes>;
  log?: Logger;
  /** Time a connection has to send a whole request head, first or next on a keep-alive connection (default 10 s). */
  headTimeoutMs?: number;
  /** Time a request has to send its whole body once its head is in (default 10 s). */
  bodyTimeoutMs?: number;
  /**
   * Why routes may be missing right now ('booting', 'stopping'), or
   * undefined when the system is up: a request for a route that is not
   * there then gets 503 (try again later) instead of 404 (no such route).
   */
  unavailable?: () => string | undefined;
}

export interface AdminServer {
  socketPath: string;
  close(): Promise<void>;
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const log = options.log ?? silentLogger;
  const own: RouteGroup = { prefix: API_PREFIX, routes: options.routes };
  // One group per service's routes object, made once (routes change only with a restart).
  const mounted = new WeakMap<AdminRoutes, RouteGroup>();
  const app: HttpApp = {
    surface: ADMIN_SURFACE,
    *groups() {
      yield own;
      for (const [service, routes] of options.serviceRoutes?.() ?? []) {
        let group = mounted.get(routes);
        if (group === undefined) mounted.set(routes, (group = { prefix: `${API_PREFIX}/${service}`, routes }));
        yield group;
      }
    },
    limits: { maxBodyBytes: 1 << 20, headTimeoutMs: options.headTimeoutMs ?? 10_000, bodyTimeoutMs: options.bodyTimeoutMs ?? 10_000 },
    unavailable: options.unavailable,
    onInternalError: (error, method, path) => log.error('admin request failed', { method, path, error: messageOf(error) }),
  };
  const server = createNetServer();
  const served = serveOn(app, server);
  await listenOwnerOnly(server, options.socketPath);
  log.info('admin API listening', { socket: options.socketPath });
  return { socketPath: options.socketPath, close: served.close };
}
