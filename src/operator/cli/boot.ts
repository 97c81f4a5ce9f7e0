// octant boot: run the system in the foreground. Prints each service's ready
// time as it comes up, then the total; SIGTERM or SIGINT stops it gracefully
// (reverse dependency order) and the command exits 0 once all is down. A
// second signal while stopping exits at once (status 130).

import { boolFlag } from '../../lib/args.ts';
import { EXIT, isOctantError, messageOf } from '../../lib/errors.ts';
import { writeLine, type Io } from '../../lib/io.ts';
import type { Paths } from '../../runtime/paths.ts';
import { sinceProcessStartMs } from '../../runtime/clock.ts';
import type { RunningSystem } from '../system.ts';
import type { Command, CommandContext } from './command.ts';
import { asOctantError, formatError } from './error-report.ts';

export interface ForegroundOptions {
  exitWhenReady: boolean;
  json: boolean;
  /** Printed once the system is ready (human output only). */
  banner?: (system: RunningSystem, io: Io) => void;
  /** Run once the system is ready and the banner printed; a non-zero result stops the system with that status. */
  afterReady?: (system: RunningSystem, paths: Paths) => Promise<number>;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function emit(io: Io, json: boolean, event: Record<string, unknown>, text: string): void {
  if (json) writeLine(io.stdout, JSON.stringify(event));
  else writeLine(io.stdout, text);
}

/** Boot, report readiness, wait for a signal (or not), stop. Shared by boot and up. */
export async function runForeground(ctx: CommandContext, options: ForegroundOptions): Promise<number> {
  const { io } = ctx;
  const paths = ctx.paths();
  // Loaded here, not at the top: `octant help` must not pay for the whole system.
  const { startSystem } = await import('../system.ts');
  const system = await startSystem({
    paths,
    onReady: (name, ms) => emit(io, options.json, { event: 'ready', service: name, ms }, `${name.padEnd(12)} ready  ${ms.toFixed(1)} ms`),
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      writeLine(io.stderr, `octant: ${signal} again while stopping; exiting now`);
      process.exit(130);
    }
    emit(io, options.json, { event: 'stopping', reason: signal }, `stopping (${signal})...`);
    system.stop(signal).catch((error: unknown) => writeLine(io.stderr, `octant: stop failed: ${messageOf(error)}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    try {
      await system.ready;
    } catch (error) {
      await system.stopped;
      // Stopped by a signal before the graph was ready: that is a clean stop.
      if (isOctantError(error, 'E_SERVICE_STOPPED')) return 0;
      throw error;
    }
    const total = await system.supervisor.status();
    const sinceProcess = round(sinceProcessStartMs());
    // CPU time of the main thread so far (Node's own start included): unlike
    // wall time it does not grow when the machine is busy with other work.
    const cpu = process.threadCpuUsage();
    const cpuMs = round((cpu.user + cpu.system) / 1000);
    const bootMs = Math.max(0, ...total.map((s) => s.readyMs ?? 0));
    emit(io, options.json, { event: 'system-ready', ms: bootMs, sinceProcessStartMs: sinceProcess, mainThreadCpuMs: cpuMs, services: total.length, socket: system.socketPath },
      `system ready: ${total.length} service(s) in ${bootMs.toFixed(1)} ms (${sinceProcess.toFixed(1)} ms since process start)`);
    if (!options.json) options.banner?.(system, io);
    // Work to do on the ready system (octant up's example agent); its failure stops the system.
    let status = 0;
    if (options.afterReady) {
      status = await options.afterReady(system, paths).catch((error: unknown) => {
        io.stderr.write(formatError(asOctantError(error), options.json));
        return EXIT.failure;
      });
      if (status !== 0) await system.stop('after-ready work failed');
    }
    if (options.exitWhenReady) await system.stop('--exit-when-ready');
    await system.stopped;
    emit(io, options.json, { event: 'stopped' }, 'stopped');
    return status;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

export const command: Command = {
  name: 'boot',
  summary: 'start the system in the foreground (services, admin socket)',
  options: {
    'exit-when-ready': { type: 'boolean', help: 'stop as soon as every service is ready (boot timing, smoke tests)' },
    json: { type: 'boolean', help: 'one JSON object per line: ready events, system-ready, stopped' },
  },
  positionals: false,
  notes: 'SIGTERM or SIGINT stops the services in reverse dependency order; exit 0 on a clean stop.',
  async run(parsed, ctx) {
    return runForeground(ctx, { exitWhenReady: boolFlag(parsed, 'exit-when-ready'), json: boolFlag(parsed, 'json') });
  },
};
