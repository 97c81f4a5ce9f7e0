// Running one command line against a declared command (command.ts): help,
// subcommand lookup, argument parsing with the declared options, then the
// action's handler. The same path for every command and subcommand.

import { parseCommandArgs, type Options } from '../../lib/args.ts';
import type { Io } from '../../lib/io.ts';
import { resolvePaths, type Paths } from '../../runtime/paths.ts';
import { isGroup, type Action, type Command, type CommandContext, type OptionSpecs } from './command.ts';
import { pickSubcommand } from './subcommand.ts';
import { usageFor } from './usage.ts';

export interface BaseContext {
  io: Io;
  rootFlag: string | undefined;
}

/** `--help` or `-h` among the arguments before a `--` (after it they belong to a wrapped program). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** The declared options as parseArgs takes them (help texts and placeholders dropped). */
export function parseOptions(options: OptionSpecs): Options {
  const out: Options = {};
  for (const [name, spec] of Object.entries(options)) {
    out[name] = { type: spec.type, ...(spec.short !== undefined ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  return out;
}

export function commandContext({ io, rootFlag }: BaseContext): CommandContext {
  let paths: Paths | undefined;
  return { io, rootFlag, paths: () => (paths ??= resolvePaths({ rootFlag, env: io.env })) };
}

/** Parse `argv` with the action's options and run its handler. */
export function runAction(path: string, action: Action, argv: readonly string[], ctx: CommandContext): Promise<number> {
  const parsed = parseCommandArgs(path, argv, parseOptions(action.options), action.positionals ?? true);
  return action.run(parsed, ctx);
}

/**
 * `octant <command> ...argv`: `--help`/`-h` (before `--`) prints the usage of
 * the deepest subcommand the leading words name, else of the command, and succeeds.
 */
export async function runCommand(command: Command, argv: readonly string[], base: BaseContext): Promise<number> {
  if (asksForHelp(argv)) {
    base.io.stdout.write(`${usageFor(command, argv)}\n`);
    return 0;
  }
  let node = command;
  let path = command.name;
  let rest = argv;
  while (isGroup(node)) {
    node = pickSubcommand(node, rest[0], path);
    path = `${path} ${node.name}`;
    rest = rest.slice(1);
  }
  return runAction(path, node, rest, commandContext(base));
}
