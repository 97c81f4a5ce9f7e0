// The one entry of the `octant` executable: multicall dispatch.
// Invoked through a link whose basename is a built-in utility, it runs that
// utility; otherwise the first argument names a command or a utility.

import { basename } from 'node:path';
import { closest } from './lib/closest.ts';
import { EXIT, OctantError } from './lib/errors.ts';
import { processIo, type Io } from './lib/io.ts';
import { COMMANDS, findCommand } from './operator/cli/commands.ts';
import { runCommand } from './operator/cli/dispatch.ts';
import { asOctantError, formatError, wantsJson } from './operator/cli/error-report.ts';
import { UTILITIES, findUtility } from './utils/index.ts';
import { buildingSnapshot, prepareSnapshot } from './runtime/startup-snapshot.ts';

/** The name this process was invoked as: argv[1] under the single executable
 *  (Node puts the original argv[0] there), the script name from source. */
export function invokedName(argv: readonly string[]): string {
  return basename(argv[1] ?? 'octant').replace(/\.(ts|js|mjs)$/, '');
}

async function runCommandLine(args: string[], io: Io): Promise<number> {
  let rootFlag: string | undefined;
  // Global options come before the command name.
  while (args[0]?.startsWith('--root')) {
    const arg = args.shift()!;
    rootFlag = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args.shift();
    if (rootFlag === undefined || rootFlag === '') throw new OctantError('E_USAGE', '--root: expects a directory', { exit: EXIT.usage });
  }
  const [first, ...rest] = args;
  // Bare `octant` prints the list and fails (it did nothing); `--help` succeeds.
  const name = first === undefined || first === '--help' || first === '-h' ? 'help'
    : first === '--version' || first === '-V' ? 'version' : first;
  const entry = findCommand(name);
  if (entry !== undefined) {
    const code = await runCommand(await entry.load(), rest, { io, rootFlag });
    return first === undefined ? EXIT.usage : code;
  }
  const utility = findUtility(name);
  if (utility !== undefined) return utility.run(rest, io);
  throw unknownName(name);
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
  } catch (thrown) {
    const error = asOctantError(thrown);
    io.stderr.write(formatError(error, wantsJson(argv.slice(2))));
    if (io.env.OCTANT_DEBUG && !(thrown instanceof OctantError)) io.stderr.write(`${(thrown as Error).stack ?? ''}\n`);
    return error.exit;
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
