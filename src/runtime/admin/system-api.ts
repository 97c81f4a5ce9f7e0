// The system's own admin endpoints (served by system-routes.ts), declared
// once for the server and the typed client.

import { endpoint } from '../../lib/http/route.ts';
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

export const SYSTEM_API = {
  /** GET /v1/status: phase, services, footprint. */
  status: endpoint<SystemStatus>()({ method: 'GET', path: '/status' }),
  /** POST /v1/stop: 202, then a graceful stop once the reply is out. */
  stop: endpoint<{ stopping: true; pid: number }>()({ method: 'POST', path: '/stop' }),
};
