// octant init: run as PID 1 (or under another init as a child subreaper).
// runtime/init does the PID 1 work (mounts, reaping, signals); this file only
// wires it to the service graph and says where things are logged: init's own
// log and every service transition go to standard error (the console, the only
// place an operator sees a PID 1), the system's log to <log>/octant.log.

import { OctantError, isOctantError, messageOf } from '../../lib/errors.ts';
import { createLogger } from '../../runtime/log.ts';
import { runInit, type Booted } from '../../runtime/init/run-init.ts';
import { isMachineInit, powerOff } from '../../kernel/libc.ts';
import type { AfterStop } from '../../runtime/admin/system-routes.ts';
import type { Command } from './command.ts';
import { kernelUptimeMs, runBootCommands } from '../boot-commands.ts';

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
    'Once the system is ready, runs the octant commands listed in init.run (octant.yaml).',
    'As PID 1, powers the machine off when the system has stopped (octant stop --reboot: reboots).',
  ].join('\n'),
  async run(_parsed, { io, paths: layout }) {
    const log = createLogger(io.stderr, 'init');
    const paths = layout();
    let afterStop = (): AfterStop | undefined => undefined;
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
      let down = false;
      afterStop = system.afterStop;
      system.stopped.then(() => { down = true; }, () => { down = true; });
      system.ready.then(async () => {
        // The console line a machine's boot is judged by (test/integration/guest/guest-boot.test.ts).
        log.info('system ready', { kernelUptimeMs: kernelUptimeMs(), octantMs: Math.round(performance.now()) });
        // A/B machines: this slot booted well (slot table), and what failed before it goes into the ledger.
        if (isMachineInit()) await (await import('../boot-assessment.ts')).assessBoot(paths, log);
        return runBootCommands(system.config.init.run, log, () => down);
      }).catch((error: unknown) => {
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
    let code: number;
    try {
      code = await runInit({ boot, log });
    } catch (error) {
      // The machine's PID 1 must not exit with the error (the kernel would
      // panic): it is on the console, then the machine powers off below.
      if (!isMachineInit()) throw error;
      log.error('init failed', { code: isOctantError(error) ? error.code : undefined, error: messageOf(error) });
      code = 1;
    }
    if (isMachineInit()) {
      // The machine's PID 1 has nothing to return to: its exit would panic
      // the kernel. Everything has stopped and the logs are closed; power off
      // (or reboot when asked: `octant stop --reboot`). A container's PID 1
      // (another pid namespace) exits instead: that ends the container.
      const how = afterStop() ?? 'poweroff';
      log.info(how === 'reboot' ? 'rebooting' : 'powering off', { code });
      const error = powerOff(how);
      log.error('cannot power off', { error: error.message });
    }
    // Everything is stopped; if a stray handle still holds the event loop,
    // leave anyway (an unref'd timer fires only in that case).
    setTimeout(() => process.exit(code), 2_000).unref();
    return code;
  },
};
