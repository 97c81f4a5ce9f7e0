// The system's own admin routes: GET /v1/status and POST /v1/stop.

import { readdirSync } from 'node:fs';
import type { Supervisor, ServiceStatus } from '../supervisor/supervisor.ts';
import type { AdminRoutes } from './types.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';

export type SystemPhase = 'booting' | 'ready' | 'failed' | 'stopping';
/** What a PID 1 does once the system has stopped (`octant stop --poweroff` / `--reboot`). */
export type AfterStop = 'poweroff' | 'reboot';

/** The optional body of POST /v1/stop: `{ "then": "poweroff" | "reboot" }`. */
function afterStop(body: unknown): AfterStop | undefined {
  if (body === undefined || body === null) return undefined;
  const then = typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).then : undefined;
  const keys = typeof body === 'object' ? Object.keys(body) : [];
  if ((then !== 'poweroff' && then !== 'reboot') || keys.some((k) => k !== 'then')) {
    throw new OctantError('E_STOP_BODY', 'stop: the body must be {"then": "poweroff"} or {"then": "reboot"}', { exit: EXIT.usage });
  }
  // Only a PID 1 can power the machine off; anywhere else the request would be silently ignored.
  if (process.pid !== 1) {
    throw new OctantError('E_STOP_NOT_INIT', `stop: --${then} needs the system to run as PID 1 (octant init); this one is pid ${process.pid}`, {
      exit: EXIT.usage, hint: "use 'octant stop' without it",
    });
  }
  return then;
}

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

/** Descriptors open in this process (/proc/self/fd), or -1 where that cannot be read. */
function openFiles(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

export interface SystemRoutesOptions {
  supervisor: Supervisor;
  version: string;
  startedAt: Date;
  phase(): SystemPhase;
  /** Begin a graceful stop; called after the reply to POST /v1/stop was sent.
   *  `then`: what PID 1 does once everything has stopped. */
  stop(reason: string, then?: AfterStop): void;
}

export function systemRoutes(options: SystemRoutesOptions): AdminRoutes {
  return {
    'GET /status': async () => {
      const body: SystemStatus = {
        pid: process.pid,
        version: options.version,
        phase: options.phase(),
        startedAt: options.startedAt.toISOString(),
        uptimeMs: Date.now() - options.startedAt.getTime(),
        resources: { ...process.memoryUsage(), openFiles: openFiles() },
        services: await options.supervisor.status(),
      };
      return { body };
    },
    'POST /stop': (request) => {
      const then = afterStop(request.body);
      return {
        status: 202,
        body: { stopping: true, pid: process.pid, ...(then === undefined ? {} : { then }) },
        after: () => options.stop(then === undefined ? 'stop requested through the admin API' : `${then} requested through the admin API`, then),
      };
    },
  };
}
