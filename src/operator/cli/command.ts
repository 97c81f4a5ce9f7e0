// The shape of one operator command group (`octant <name> ...`).
// Each group lives in its own file in this folder and is listed once in
// commands.ts; its module is loaded only when the command runs, so boot
// and the utilities never pay for commands they do not use.

import type { Io } from '../../lib/io.ts';

export interface CommandContext {
  io: Io;
  /** `--root DIR` given before the command, if any. */
  rootFlag: string | undefined;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage text printed by `octant help <name>`. */
  usage: string;
  /** Returns the exit code; throws OctantError for failures. */
  run(argv: string[], ctx: CommandContext): Promise<number>;
}

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}
