// octant status: ask the running system (admin socket) what runs and how it is.
// Exit 0 when every service is healthy, 1 otherwise, 3 when no system answers.

import { boolFlag } from '../../lib/args.ts';
import { writeJson, writeLine } from '../../lib/io.ts';
import { admin } from '../../runtime/admin/client.ts';
import { SYSTEM_API } from '../../runtime/admin/system-api.ts';
import type { SystemStatus } from '../../runtime/admin/system-routes.ts';
import type { Command } from './command.ts';

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

export function formatStatus(status: SystemStatus): string[] {
  const lines = [
    `OctantOS ${status.version}  pid ${status.pid}  ${status.phase}  up ${(status.uptimeMs / 1000).toFixed(1)} s  since ${status.startedAt}`,
  ];
  const r = status.resources;
  // Older systems do not report it.
  if (r !== undefined) lines.push(`memory: rss ${mib(r.rss)}, JS heap ${mib(r.heapUsed)} of ${mib(r.heapTotal)}, external ${mib(r.external)}; ${r.openFiles} open descriptors`);
  if (status.services.length === 0) return [...lines, 'no services registered'];
  const width = Math.max(7, ...status.services.map((s) => s.name.length));
  lines.push(`${'SERVICE'.padEnd(width)}  ${'STATE'.padEnd(9)}  ${'READY'.padStart(9)}  RESTARTS  HEALTH`);
  for (const s of status.services) {
    const ready = s.readyMs === null ? '-' : `${s.readyMs.toFixed(1)} ms`;
    const health = s.health === null ? (s.reason ?? '-') : `${s.health.ok ? 'ok' : 'FAILING'}${s.health.detail ? ` ${s.health.detail}` : ''}`;
    lines.push(`${s.name.padEnd(width)}  ${s.state.padEnd(9)}  ${ready.padStart(9)}  ${String(s.restarts).padStart(8)}  ${health}`);
  }
  // What happened, for each service that ever failed: the table shows only how things are now.
  for (const s of status.services) {
    if (s.lastFailureAt === null) continue;
    lines.push(`${s.name}: restarted ${s.restarts} time(s); last failure at ${s.lastFailureAt}: ${s.reason ?? 'unknown'}`);
  }
  return lines;
}

export const command: Command = {
  name: 'status',
  summary: 'show the running system: services, states, health, ready times',
  options: { json: { type: 'boolean', help: 'print the status as JSON' } },
  positionals: false,
  notes: 'Exit 0 when every service is healthy, 1 otherwise, 3 when no system runs.',
  async run(parsed, { io, paths }) {
    const status = await admin(paths()).call(SYSTEM_API.status);
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, status);
    else for (const line of formatStatus(status)) writeLine(io.stdout, line);
    return status.phase === 'ready' && status.services.every((s) => s.state === 'healthy') ? 0 : 1;
  },
};
