// The system's own admin routes: GET /v1/status and POST /v1/stop (system-api.ts).

import { readdirSync } from 'node:fs';
import { json, route } from '../../lib/http/route.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import { SYSTEM_API, type AfterStop, type SystemPhase } from './system-api.ts';
import type { AdminRoutes } from './types.ts';

export type { AfterStop, SystemPhase, SystemStatus } from './system-api.ts';

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
  return [
    route(SYSTEM_API.status, async () => ({
      pid: process.pid,
      version: options.version,
      phase: options.phase(),
      startedAt: options.startedAt.toISOString(),
      uptimeMs: Date.now() - options.startedAt.getTime(),
      resources: { ...process.memoryUsage(), openFiles: openFiles() },
      services: await options.supervisor.status(),
    })),
    route(SYSTEM_API.stop, ({ body }) => {
      const then = body?.then;
      return json({ stopping: true as const, pid: process.pid, ...(then === undefined ? {} : { then }) }, {
        status: 202,
        after: () => options.stop(then === undefined ? 'stop requested through the admin API' : `${then} requested through the admin API`, then),
      });
    }),
  ];
}
