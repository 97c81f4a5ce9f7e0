// The one shape of an operator command (`octant <name> ...`), as data.
//
// A command is either an Action (it runs: `octant boot`, `octant run`) or a
// Group of Actions (`octant ledger verify`). An Action declares its options
// once, with their help text; from these declarations alone come the
// argument parsing, the usage text (`--help`, `octant help`), the man page,
// the shell completions, the summary in the top-level list and the errors
// for unknown subcommands and options (see dispatch.ts, usage.ts,
// man-page.ts, completion-scripts.ts, docs/cli.md "Adding a subcommand").
//
// Each command lives in its own file in this folder and is listed once in
// commands.ts; its module is loaded only when it is needed.

import type { Parsed } from '../../lib/args.ts';
import type { Io } from '../../lib/io.ts';
import type { Paths } from '../../runtime/paths.ts';

export interface CommandContext {
  io: Io;
  /** `--root DIR` given before the command, if any. */
  rootFlag: string | undefined;
  /** The state layout (--root, $OCTANT_ROOT, system or ~/.octant), resolved on first use. */
  paths(): Paths;
}

/** Every action's one signature: parsed arguments in, exit code out; failures throw OctantError. */
export type Handler = (parsed: Parsed, ctx: CommandContext) => Promise<number>;

/** One option: what parseArgs takes, plus what usage, man pages and completions print. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in usage (`--port N`); string options only. */
  value?: string;
  /** One line for the options list. */
  help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface Action {
  name: string;
  /** One line: in the group's or the top-level list, and under the usage lines. */
  summary: string;
  /**
   * What follows `octant <path>` on each usage line, one entry per form
   * (`MANIFEST --task TEXT [options]`). Default: `[options]` when there are options.
   */
  synopsis?: readonly string[];
  options: OptionSpecs;
  /** Whether positional arguments are taken (default true). */
  positionals?: boolean;
  /** The values the first positional argument takes, when it is one of a few words (shell completions). */
  choices?: readonly string[];
  /** Paragraphs printed after the options (exit statuses, caveats). */
  notes?: string;
  run: Handler;
}

/** A group of subcommands: actions, or groups of their own (`octant quorum panel add`). */
export interface Group {
  name: string;
  summary: string;
  subcommands: readonly Command[];
  /** Paragraphs printed after the subcommand list. */
  notes?: string;
}

export type Command = Action | Group;

export function isGroup(command: Command): command is Group {
  return 'subcommands' in command;
}

export interface Node {
  /** The words after `octant`: ['quorum', 'panel', 'add']. */
  path: string[];
  command: Command;
}

/** `command` and everything under it, each with its path, depth first (for help, tests, completions, man pages). */
export function walk(command: Command, path: readonly string[] = [command.name]): Node[] {
  return [{ path: [...path], command }, ...(isGroup(command) ? command.subcommands.flatMap((s) => walk(s, [...path, s.name])) : [])];
}

/** The runnable ones among them. */
export function actionsOf(command: Command): { path: string[]; action: Action }[] {
  return walk(command).flatMap(({ path, command: c }) => (isGroup(c) ? [] : [{ path, action: c }]));
}

export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}
