// octant up (what `npm start` runs): boot in the foreground with whatever
// configuration exists (the embedded defaults on a fresh machine) and say
// what is running and how to use it.

import { boolFlag } from '../../lib/args.ts';
import { writeLine, type Io } from '../../lib/io.ts';
import { OctantError } from '../../lib/errors.ts';
import type { RunningSystem } from '../system.ts';
import { runForeground } from './boot.ts';
import type { Command } from './command.ts';

function banner(system: RunningSystem, io: Io, rootFlag: string | undefined): void {
  const root = rootFlag === undefined ? '' : ` --root ${rootFlag}`;
  const names = system.supervisor.order;
  writeLine(io.stdout, '');
  writeLine(io.stdout, `OctantOS is up (machine ${system.fingerprint.slice(0, 16)}).`);
  writeLine(io.stdout, names.length === 0 ? '  services: none registered yet' : `  services: ${names.join(', ')}`);
  writeLine(io.stdout, `  config:   ${system.config.fromFile ? system.config.file : `embedded defaults (write ${system.config.file} to change them)`}`);
  writeLine(io.stdout, `  admin:    ${system.socketPath} (owner only)`);
  writeLine(io.stdout, '');
  writeLine(io.stdout, `  octant${root} status     what runs and how it is`);
  writeLine(io.stdout, `  octant${root} stop       stop gracefully (or press Ctrl-C here)`);
  writeLine(io.stdout, '');
}

export const command: Command = {
  name: 'up',
  summary: 'boot the system, run the example agent, and show how to use it (npm start)',
  options: {
    'no-demo': { type: 'boolean', help: 'skip the example agent' },
    once: { type: 'boolean', help: 'stop after the example agent (exit 1 if it failed)' },
    'accept-unenforced-limits': { type: 'boolean', help: 'run the example even where its memory, pids and cpu limits cannot be enforced (an ordinary user on cgroup v1)' },
  },
  positionals: false,
  notes: [
    'Boots in the foreground, runs the example agent (a fixed script in a real',
    'sandbox: granted reads, a refused read, a vault-injected credential to a',
    'local service), prints its story and the ledger check, then stays up;',
    'Ctrl-C or `octant stop` stops it.',
    'Without /usr/bin/bwrap, root installs it with apt-get (printing the command;',
    'asking first on a terminal); anyone else is shown the command to run.',
  ].join('\n'),
  async run(parsed, ctx) {
    const root = ctx.rootFlag === undefined ? '' : ` --root ${ctx.rootFlag}`;
    return runForeground(ctx, {
      exitWhenReady: boolFlag(parsed, 'once'),
      json: false,
      banner: (system, io) => banner(system, io, ctx.rootFlag),
      afterReady: boolFlag(parsed, 'no-demo') ? undefined : async (_system, paths) => {
        const { runDemo, printDemo, verifyLedger, demoUnavailable } = await import('../demo.ts');
        const { ensureBubblewrap } = await import('../onboarding/bubblewrap.ts');
        const { askYes, interactive } = await import('../onboarding/prompt.ts');
        await ensureBubblewrap({ io: ctx.io, ask: interactive(ctx.io) ? (q) => askYes(ctx.io, q) : undefined });
        const why = demoUnavailable();
        if (why !== undefined) {
          // Say so and stay up: the rest of the system works without it.
          writeLine(ctx.io.stdout, `example agent skipped: ${why}`);
          return 0;
        }
        let result: Awaited<ReturnType<typeof runDemo>>;
        try {
          result = await runDemo(paths, ctx.io, boolFlag(parsed, 'accept-unenforced-limits'));
        } catch (error) {
          // A refusal (E_SANDBOX_LIMITS_UNENFORCED...) is said with its code
          // and hint; the system stays up.
          if (!(error instanceof OctantError)) throw error;
          writeLine(ctx.io.stdout, `example agent refused: error[${error.code}]: ${error.message}`);
          if (error.hint !== undefined) writeLine(ctx.io.stdout, `hint: ${error.hint}`);
          return boolFlag(parsed, 'once') ? error.exit : 0;
        }
        printDemo(ctx.io, result, root);
        const verified = await verifyLedger(paths, ctx.io);
        writeLine(ctx.io.stdout, boolFlag(parsed, 'once') ? '' : '\nOctantOS stays up; Ctrl-C or `octant stop` stops it.');
        return result.report.record.exit?.code === 0 && verified ? 0 : 1;
      },
    });
  },
};
