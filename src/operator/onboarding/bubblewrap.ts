// Getting bubblewrap onto a fresh Debian or Ubuntu machine for `octant up`
// (npm start): the default isolation tier builds every sandbox with it.
//
// Root installs it with apt-get, printing each command before it runs it
// (asking first when a person is at the terminal). Anyone else is told once
// the exact command; octant never runs sudo on an operator's behalf.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeLine, type Io } from '../../lib/io.ts';
import { isExecutable } from '../../lib/executable.ts';

/** The path the launcher runs (kernel/sandbox/launch.ts; Debian's bubblewrap package). */
export const BWRAP = '/usr/bin/bwrap';
export const INSTALL = ['apt-get', 'install', '-y', '--no-install-recommends', 'bubblewrap'];

/** Runs one command with its output shown; returns its exit status. */
export type RunCommand = (argv: string[]) => number;

export interface BubblewrapOptions {
  io: Io;
  bwrap?: string;
  root?: boolean;
  /** Whether apt-get is on this machine (Debian, Ubuntu and their kin). */
  aptGet?: boolean;
  run?: RunCommand;
  /** A person answers on stdin (a TTY): ask before installing. */
  ask?: (question: string) => Promise<boolean>;
}

export type BubblewrapOutcome = 'present' | 'installed' | 'missing';

const runShown: RunCommand = (argv) => spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status ?? 1;


/** bubblewrap is there afterwards ('present' or 'installed'), or the operator was told how to get it ('missing'). */
export async function ensureBubblewrap(options: BubblewrapOptions): Promise<BubblewrapOutcome> {
  const { io } = options;
  const bwrap = options.bwrap ?? BWRAP;
  if (isExecutable(bwrap)) return 'present';
  const root = options.root ?? process.geteuid?.() === 0;
  const aptGet = options.aptGet ?? ['/usr/bin/apt-get', '/bin/apt-get'].some((p) => existsSync(p));
  const command = INSTALL.join(' ');
  if (!aptGet) {
    writeLine(io.stdout, `bubblewrap (${bwrap}) is missing and this machine has no apt-get: install the bubblewrap package with its package manager, then start again.`);
    return 'missing';
  }
  if (!root) {
    writeLine(io.stdout, `bubblewrap (${bwrap}) is missing; agents run in its sandboxes. Install it once, as root, then start again:`);
    writeLine(io.stdout, `  sudo ${command}`);
    return 'missing';
  }
  if (options.ask !== undefined && !(await options.ask(`bubblewrap (${bwrap}) is missing; install it now with '${command}'? [Y/n] `))) {
    writeLine(io.stdout, `not installed; to do it later: ${command}`);
    return 'missing';
  }
  const run = options.run ?? runShown;
  writeLine(io.stdout, `bubblewrap (${bwrap}) is missing; installing it:`);
  writeLine(io.stdout, `$ ${command}`);
  let status = run(INSTALL);
  if (status !== 0) {
    // A fresh image often has no package lists yet.
    writeLine(io.stdout, '$ apt-get update');
    if (run(['apt-get', 'update']) === 0) {
      writeLine(io.stdout, `$ ${command}`);
      status = run(INSTALL);
    }
  }
  if (status !== 0 || !isExecutable(bwrap)) {
    writeLine(io.stdout, `installing bubblewrap failed (exit ${status}); install it by hand: ${command}`);
    return 'missing';
  }
  return 'installed';
}
