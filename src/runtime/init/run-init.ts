// PID 1: prepare the machine, boot what we were given, reap orphans, and shut
// down gracefully on SIGTERM / SIGINT. Generic over what it boots, so the
// operator layer passes the service graph and tests pass their own.
//
// Order matters:
//  1. Signal handlers first. The kernel drops a signal sent to a namespace's
//     PID 1 when there is no handler for it (pid_namespaces(7)), so a SIGTERM
//     that arrives during boot would otherwise be lost.
//  2. As PID 1, mount /proc, /sys, /dev, /run when missing; otherwise become a
//     child subreaper (prctl(2)) so orphans come to us all the same.
//  3. No core dumps: a dump of our memory could contain unsealed secrets.
//  4. Start the reaper, then boot.

import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import { disableCoreDumps, getpid, setChildSubreaper } from '../../kernel/libc.ts';
import type { Logger } from '../log.ts';
import { EARLY_MOUNTS, mountMissing, type MountSpec } from './mounts.ts';
import { createReaper } from './reaper.ts';

export interface Booted {
  /** Stop everything (the service graph stops in reverse dependency order). */
  stop(reason?: string): Promise<void>;
  /** Settles when the booted system has stopped, for whatever reason. */
  stopped: Promise<void>;
}

export interface InitOptions {
  boot: () => Promise<Booted>;
  log: Logger;
  /** Our pid as the kernel sees it in our pid namespace (default getpid(2)). */
  pid?: number;
  /** What to mount when running as PID 1 (default EARLY_MOUNTS). */
  mounts?: readonly MountSpec[];
  /** Reaper safety-net sweep interval in ms (default 1000). */
  sweepMs?: number;
  /** How a forced exit (second signal) leaves; default process.exit. */
  exit?: (code: number) => void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const SIGNAL_NUMBER: Record<(typeof SIGNALS)[number], number> = { SIGTERM: 15, SIGINT: 2 };

/** Runs until the booted system stops; resolves with the exit code. */
export async function runInit(options: InitOptions): Promise<number> {
  const log = options.log;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let requested: ((signal: string) => void) | undefined;
  const shutdown = new Promise<string>((resolve) => { requested = resolve; });
  let signalled: string | undefined;

  const onSignal = (signal: (typeof SIGNALS)[number]): void => {
    if (signalled !== undefined) {
      log.warn('second signal during shutdown: exiting now', { signal });
      exit(128 + SIGNAL_NUMBER[signal]);
      return;
    }
    signalled = signal;
    log.info('shutdown requested', { signal });
    requested!(signal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  // Signal listeners do not keep Node's event loop alive; init must stay up
  // until it is told to stop, even when what it booted holds no handle.
  const keepAlive = setInterval(() => {}, 2 ** 30);

  const pid = options.pid ?? getpid();
  const mode = pid === 1 ? 'pid1' : 'subreaper';
  let reaper: ReturnType<typeof createReaper> | undefined;
  try {
    if (mode === 'pid1') mountMissing(options.mounts ?? EARLY_MOUNTS, log);
    else setChildSubreaper(true);
    disableCoreDumps();
    reaper = createReaper({ log, sweepMs: options.sweepMs });
    reaper.start();
    log.info('init started', { pid, mode });

    const started = performance.now();
    let booted: Booted;
    try {
      booted = await options.boot();
    } catch (error) {
      throw new OctantError('E_INIT_BOOT', `init: boot failed: ${messageOf(error)}`, { cause: error });
    }
    log.info('booted', { ms: Math.round(performance.now() - started) });

    // Either a signal asks us to stop, or the system stops on its own
    // (`octant down` through the admin API, a fatal service failure).
    const outcome = await Promise.race([
      shutdown.then((signal) => ({ kind: 'signal' as const, signal })),
      booted.stopped.then(() => ({ kind: 'stopped' as const }), (error: unknown) => ({ kind: 'failed' as const, error })),
    ]);
    if (outcome.kind === 'signal') {
      await booted.stop(outcome.signal);
      await booted.stopped;
      log.info('stopped', { signal: outcome.signal });
      return EXIT.ok;
    }
    if (outcome.kind === 'failed') {
      log.error('system failed', { error: messageOf(outcome.error) });
      return EXIT.failure;
    }
    log.info('system stopped');
    return EXIT.ok;
  } finally {
    // Children still running at this point are about to lose their init;
    // take the last zombies so none outlives the shutdown log.
    reaper?.sweep();
    reaper?.stop();
    clearInterval(keepAlive);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    log.info('init exiting', { reaped: reaper?.reaped ?? 0 });
  }
}
