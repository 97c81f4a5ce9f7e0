// octant up (what `npm start` runs): boot in the foreground with whatever
// configuration exists (the embedded defaults on a fresh machine) and say
// what is running and how to use it.

import { parseCommandArgs } from '../../lib/args.ts';
import { writeLine, type Io } from '../../lib/io.ts';
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
  summary: 'boot the system and show what runs and how to use it (npm start)',
  usage: 'octant [--root DIR] up\n  boots in the foreground; Ctrl-C or `octant stop` stops it',
  async run(argv, ctx) {
    parseCommandArgs('up', argv, {}, false);
    return runForeground(ctx, { exitWhenReady: false, json: false, banner: (system, io) => banner(system, io, ctx.rootFlag) });
  },
};
