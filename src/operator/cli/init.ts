// octant init: run as PID 1 (or under another init as a child subreaper).
// runtime/init does the PID 1 work (mounts, reaping, signals); this file only
// wires it to the service graph and says where things are logged: init's own
// log and every service transition go to standard error (the console, the only
// place an operator sees a PID 1), the system's log to <log>/octant.log.

import { OctantError, isOctantError, messageOf } from '../../lib/errors.ts';
import { createLogger } from '../../runtime/log.ts';
import { runInit, type Booted } from '../../runtime/init/run-init.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'init',
  summary: 'run as PID 1: mount, reap orphans, boot the services, stop them on SIGTERM',
  options: {},
  positionals: false,
  notes: [
    'As PID 1: mounts /proc, /sys, /dev and /run when missing, reaps every orphan,',
    'boots the service graph, and on SIGTERM or SIGINT stops it in reverse',
    'dependency order and exits 0 (a second signal exits at once).',
    'Not PID 1: the same, as a child subreaper (prctl PR_SET_CHILD_SUBREAPER).',
    'Logs JSON lines to standard error; the services log to <log>/octant.log.',
  ].join('\n'),
  async run(_parsed, { io, paths: layout }) {
    const log = createLogger(io.stderr, 'init');
    const paths = layout();
    const boot = async (): Promise<Booted> => {
      // Loaded here: `octant help` must not pay for the whole system.
      const { startSystem } = await import('../system.ts');
      const system = await startSystem({
        paths,
        onReady: (service, ms) => log.info('service ready', { service, ms }),
        onTransition: (t) => log.info('service transition', { service: t.service, from: t.from, to: t.to, reason: t.reason }),
      });
      // A graph that cannot come up stops itself; init then exits non-zero
      // instead of reporting a clean stop.
      let bootFailure: unknown;
      system.ready.catch((error: unknown) => {
        if (isOctantError(error, 'E_SERVICE_STOPPED')) return; // stopped by a signal while booting
        bootFailure = error;
        log.error('boot failed', { error: messageOf(error) });
      });
      return {
        stop: (reason) => system.stop(reason),
        stopped: system.stopped.then(() => {
          if (bootFailure !== undefined) throw new OctantError('E_INIT_BOOT', `init: the services did not come up: ${messageOf(bootFailure)}`);
        }),
      };
    };
    const code = await runInit({ boot, log });
    // Everything is stopped; if a stray handle still holds the event loop,
    // leave anyway (an unref'd timer fires only in that case).
    setTimeout(() => process.exit(code), 2_000).unref();
    return code;
  },
};
