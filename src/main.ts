// The one entry of the `octant` executable: multicall dispatch.
// Invoked through a link whose basename is a built-in utility, it runs that
// utility; otherwise the first argument names a command or a utility.

import { basename } from 'node:path';
import { closest } from './lib/closest.ts';
import { EXIT, OctantError, isOctantError, messageOf } from './lib/errors.ts';
import { processIo, type Io } from './lib/io.ts';
import { safeLines } from './lib/safe-text.ts';
import { COMMANDS, findCommand } from './operator/cli/commands.ts';
import { UTILITIES, findUtility } from './utils/index.ts';
import { buildingSnapshot, prepareSnapshot } from './runtime/startup-snapshot.ts';

/** The name this process was invoked as: argv[1] under the single executable
 *  (Node puts the original argv[0] there), the script name from source. */
export function invokedName(argv: readonly string[]): string {
  return basename(argv[1] ?? 'octant').replace(/\.(ts|js|mjs)$/, '');
}

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 10);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: octant [--root DIR] <command> [args...]',
    '       octant <utility> [args...]   (or a link named after the utility)',
    '',
    'commands:',
    ...lines,
    '',
    `utilities: ${UTILITIES.map((u) => u.name).join(' ')}`,
    '',
    "'octant help <command>' shows a command's usage.",
  ].join('\n');
}

async function runCommandLine(args: string[], io: Io): Promise<number> {
  let rootFlag: string | undefined;
  // Global options come before the command name.
  while (args[0]?.startsWith('--root')) {
    const arg = args.shift()!;
    rootFlag = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args.shift();
    if (rootFlag === undefined || rootFlag === '') throw new OctantError('E_USAGE', '--root: expects a directory', { exit: EXIT.usage });
  }
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    if (name === 'help' && rest[0] !== undefined) {
      const entry = findCommand(rest[0]);
      const utility = findUtility(rest[0]);
      if (entry !== undefined) io.stdout.write(`${(await entry.load()).usage}\n`);
      else if (utility !== undefined) io.stdout.write(`${utility.usage}\n`);
      else throw unknownName(rest[0]);
      return EXIT.ok;
    }
    io.stdout.write(`${helpText()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') return (await findCommand('version')!.load()).run(rest, { io, rootFlag });
  const entry = findCommand(name);
  if (entry !== undefined) {
    const command = await entry.load();
    // `--help` / `-h` anywhere before `--`, on a command or any subcommand,
    // prints the command's usage (its subcommands included) and succeeds.
    if (asksForHelp(rest)) {
      io.stdout.write(`${command.usage}\n`);
      return EXIT.ok;
    }
    return command.run(rest, { io, rootFlag });
  }
  const utility = findUtility(name);
  if (utility !== undefined) return utility.run(rest, io);
  throw unknownName(name);
}

/** `--help` or `-h` among the arguments before a `--` (after it they belong to a wrapped program). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

function unknownName(name: string): OctantError {
  const near = closest(name, [...COMMANDS.map((c) => c.name), ...UTILITIES.map((u) => u.name)]);
  return new OctantError('E_UNKNOWN_COMMAND', `octant: '${name}' is not a command or utility`, {
    exit: EXIT.usage,
    hint: near.length > 0 ? `did you mean: ${near.join(', ')}?` : "run 'octant help' for the list",
  });
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    const invoked = invokedName(argv);
    const utility = invoked === 'octant' || invoked === 'main' ? undefined : findUtility(invoked);
    if (utility !== undefined) return await utility.run(argv.slice(2), io);
    return await runCommandLine(argv.slice(2), io);
  } catch (error) {
    if (isOctantError(error)) {
      // Messages quote names, paths and replies that may be an agent's text: control characters escaped.
      io.stderr.write(`error[${error.code}]: ${safeLines(error.message).text}\n${error.hint ? `hint: ${safeLines(error.hint).text}\n` : ''}`);
      return error.exit;
    }
    io.stderr.write(`error: ${safeLines(messageOf(error)).text}\n`);
    if (io.env.OCTANT_DEBUG) io.stderr.write(`${(error as Error).stack}\n`);
    return EXIT.failure;
  }
}

// Run only when this file is the entry (the bundle or `node src/main.ts`),
// not when a test imports it.
const entry = process.argv[1] ?? '';
if (buildingSnapshot()) {
  // Evaluate every command's modules into the snapshot; starts run `run`.
  prepareSnapshot(() => Promise.all(COMMANDS.map((c) => c.load())), run);
} else if (globalThis.__OCTANT_BUILD__ !== undefined || /main\.(ts|js|mjs)$/.test(entry)) {
  run();
}

function run(): void {
  // A reader that goes away (`octant ledger show | head -1`) must not turn
  // into a stack trace, nor stop a running system: the rest of the output is
  // dropped and the command finishes as it would have.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
  }
  main(process.argv).then((code) => { process.exitCode = code; });
}
