// The system's own admin routes: GET /v1/status and POST /v1/stop.

import { readdirSync } from 'node:fs';
import type { Supervisor, ServiceStatus } from '../supervisor/supervisor.ts';
import type { AdminRoutes } from './types.ts';

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
  /** Begin a graceful stop; called after the reply to POST /v1/stop was sent. */
  stop(reason: string): void;
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
    'POST /stop': () => ({
      status: 202,
      body: { stopping: true, pid: process.pid },
      after: () => options.stop('stop requested through the admin API'),
    }),
  };
}
