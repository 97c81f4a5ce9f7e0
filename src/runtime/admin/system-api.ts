// The system's own admin endpoints (served by system-routes.ts), declared
// once for the server and the typed client.

import { EXIT, OctantError } from '../../lib/errors.ts';
import { endpoint } from '../../lib/http/route.ts';
import { isPlainObject } from '../../lib/schema.ts';
import type { ServiceStatus } from '../supervisor/supervisor.ts';

export type SystemPhase = 'booting' | 'ready' | 'failed' | 'stopping';

export interface SystemStatus {
  pid: number;
  version: string;
  phase: SystemPhase;
  /** Wall clock of boot start (ISO 8601). */
  startedAt: string;
  uptimeMs: number;
  /** The daemon's own footprint, for soak tests and operators: bytes, and descriptors open. */
  resources: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; openFiles: number };
  services: ServiceStatus[];
}

/** What a PID 1 does once the system has stopped (`octant stop --poweroff` / `--reboot`). */
export type AfterStop = 'poweroff' | 'reboot';

/** The optional body of POST /v1/stop: `{ "then": "poweroff" | "reboot" }`. */
function afterStop(body: unknown): { then: AfterStop } | undefined {
  if (body === undefined || body === null) return undefined;
  const then = isPlainObject(body) ? body.then : undefined;
  if ((then !== 'poweroff' && then !== 'reboot') || !isPlainObject(body) || Object.keys(body).some((k) => k !== 'then')) {
    throw new OctantError('E_STOP_BODY', 'stop: the body must be {"then": "poweroff"} or {"then": "reboot"}', { exit: EXIT.usage });
  }
  // Only a PID 1 can power the machine off; anywhere else the request would be silently ignored.
  if (process.pid !== 1) {
    throw new OctantError('E_STOP_NOT_INIT', `stop: --${then} needs the system to run as PID 1 (octant init); this one is pid ${process.pid}`, {
      exit: EXIT.usage, hint: "use 'octant stop' without it",
    });
  }
  return { then };
}

export const SYSTEM_API = {
  /** GET /v1/status: phase, services, footprint. */
  status: endpoint<SystemStatus>()({ method: 'GET', path: '/status' }),
  /** POST /v1/stop [{then}]: 202, then a graceful stop once the reply is out (and, for PID 1, poweroff or reboot). */
  stop: endpoint<{ stopping: true; pid: number; then?: AfterStop }>()({ method: 'POST', path: '/stop', body: afterStop }),
};
