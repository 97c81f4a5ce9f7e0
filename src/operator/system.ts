// The composition root: everything `octant boot`, `octant up` and `octant
// init` start. Order matters and is fail-closed:
//   1. configuration (an invalid file stops here, nothing has started);
//   2. state directories (owner-only);
//   3. the admin socket (claims the state root: a second instance stops here
//      with E_ALREADY_RUNNING before it touches the key or any service state);
//   4. the machine identity (created on first boot);
//   5. the supervisor over the service table.
// If the graph cannot come up (a service gives up), the system stops itself
// and `ready` rejects with the reason; `stopped` settles once all is down.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildInfo } from '../lib/build-info.ts';
import { isOctantError, messageOf } from '../lib/errors.ts';
import { loadConfig, type OctantConfig } from '../runtime/config.ts';
import { loadOrCreateIdentity } from '../runtime/identity.ts';
import { createLogger, openFileSink, type FileSink, type Logger } from '../runtime/log.ts';
import { adminSocketPath, type Paths } from '../runtime/paths.ts';
import { startAdminServer } from '../runtime/admin/server.ts';
import { systemRoutes, type AfterStop, type SystemPhase } from '../runtime/admin/system-routes.ts';
import { createSupervisor, type Supervisor, type Transition } from '../runtime/supervisor/supervisor.ts';
import type { AnyService } from '../runtime/supervisor/service.ts';
import { SERVICES } from './service-table.ts';

export interface StartSystemOptions {
  paths: Paths;
  /** Operational log; default: JSON lines appended to <log>/octant.log (mode 0600). */
  log?: Logger;
  /** Called as each service first becomes healthy, with ms since boot start. */
  onReady?: (name: string, ms: number) => void;
  /** The service table; default SERVICES (tests pass their own). */
  services?: readonly AnyService[];
  onTransition?: (t: Transition) => void;
}

export interface RunningSystem {
  supervisor: Supervisor;
  /** Resolves when every service is healthy; rejects (and the system stops itself) if one gives up. */
  ready: Promise<void>;
  /** Graceful stop in reverse dependency order; idempotent. */
  stop(reason?: string, then?: AfterStop): Promise<void>;
  /** What the operator asked a PID 1 to do after the stop, if anything. */
  afterStop(): AfterStop | undefined;
  /** Settles when the system is fully stopped (services, admin socket, log). */
  stopped: Promise<void>;
  config: OctantConfig;
  socketPath: string;
  /** SHA-256 fingerprint of the machine key. */
  fingerprint: string;
}

function defaultLog(paths: Paths): { log: Logger; sink: FileSink } {
  const sink = openFileSink(join(paths.log, 'octant.log'));
  return { log: createLogger(sink, 'octant'), sink };
}

/**
 * A data disk from another machine (its key sealed by another TPM): the
 * system refuses to run as that machine, and says so in the ledger first.
 * The ledger is appended directly (its service has not started; appending
 * needs no machine key, only its checkpoints do).
 */
async function recordClone(paths: Paths, error: Error & { code: string }, log: Logger): Promise<Error> {
  try {
    const { openLedger, OPERATOR_AGENT } = await import('../services/ledger/api.ts');
    const ledger = await openLedger(paths, { log });
    try {
      const entry = await ledger.append({ agent: OPERATOR_AGENT, lineage: [], kind: 'identity', action: 'unseal', target: 'machine key', decision: 'deny', detail: { code: error.code, message: error.message } });
      error.message += ` (recorded in the ledger, entry ${entry.seq})`;
    } finally {
      await ledger.close();
    }
  } catch (ledgerError) {
    error.message += ` (not recorded in the ledger: ${messageOf(ledgerError)})`;
  }
  return error;
}

export async function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  const { paths } = options;
  const services = options.services ?? SERVICES;
  const startedAt = new Date();
  const config = await loadConfig(paths, services);
  for (const dir of [paths.etc, paths.state, paths.log]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const owned = options.log === undefined ? defaultLog(paths) : undefined;
  const log = options.log ?? owned!.log;
  const closeLog = async (): Promise<void> => { owned?.sink.close(); };

  const supervisor = createSupervisor({
    services, paths, log, config: config.services, settings: config.supervisor, onReady: options.onReady, onTransition: options.onTransition,
  });
  let phase: SystemPhase = 'booting';
  let stopping: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => { markStopped = resolve; });
  const socketPath = adminSocketPath(paths);

  let then: AfterStop | undefined;
  const stop = (reason = 'stop requested', after?: AfterStop): Promise<void> => {
    then ??= after;
    stopping ??= (async () => {
      phase = 'stopping';
      try {
        await supervisor.stop(reason);
      } finally {
        await admin.close();
        log.info('system stopped', { reason });
        await closeLog();
        markStopped();
      }
    })();
    return stopping;
  };

  let admin: Awaited<ReturnType<typeof startAdminServer>>;
  try {
    admin = await startAdminServer({
      socketPath,
      routes: systemRoutes({
        supervisor,
        version: buildInfo().version,
        startedAt,
        phase: () => phase,
        stop: (reason, after) => { stop(reason, after).catch((error: unknown) => log.error('stop failed', { error: messageOf(error) })); },
      }),
      serviceRoutes: () => supervisor.routes(),
      // While booting or stopping, a service's routes come and go: 503, not 404.
      unavailable: () => (phase === 'ready' ? undefined : phase),
      log,
    });
  } catch (error) {
    await closeLog();
    throw error;
  }
  // Only now, with the state root claimed, is it safe to create the key on a first boot.
  let identity: ReturnType<typeof loadOrCreateIdentity>;
  try {
    identity = loadOrCreateIdentity(paths);
  } catch (error) {
    const refused = isOctantError(error, 'E_IDENTITY_CLONED') ? await recordClone(paths, error, log) : error;
    await admin.close();
    await closeLog();
    throw refused;
  }
  log.info('system booting', { root: paths.root, fingerprint: identity.fingerprint, config: config.fromFile ? config.file : 'embedded defaults' });

  const ready = supervisor.start().then(
    () => {
      phase = 'ready';
      log.info('system ready', { services: supervisor.order.length });
    },
    async (error: unknown) => {
      if (phase !== 'stopping') {
        phase = 'failed';
        log.error('boot failed', { error: messageOf(error) });
        await stop('boot failed');
      }
      throw error;
    },
  );
  // Callers await `ready`; this keeps an unobserved failure from crashing the process.
  ready.catch(() => undefined);
  return { supervisor, ready, stop, stopped, afterStop: () => then, config, socketPath, fingerprint: identity.fingerprint };
}
