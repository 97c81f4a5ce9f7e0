// The one entry of the `octant` executable: multicall dispatch.
// Invoked through a link whose basename is a built-in utility, it runs that
// utility; otherwise the first argument names a command or a utility.

import { basename } from 'node:path';
import { EXIT, OctantError } from './lib/errors.ts';
import { processIo, type Io } from './lib/io.ts';
import { findCommand, loadCommands, unknownCommand } from './operator/cli/commands.ts';
import { runCommand } from './operator/cli/dispatch.ts';
import { asOctantError, formatError, wantsJson } from './operator/cli/error-report.ts';
import { findUtility } from './utils/index.ts';
import type { Utility } from './utils/utility.ts';
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
  if (utility !== undefined) return runUtility(utility, rest, io);
  throw unknownCommand(name);
}

/** A utility; `--help` as its only argument prints its usage (exit 0), as GNU's do. */
function runUtility(utility: Utility, args: string[], io: Io): Promise<number> | number {
  if (args.length === 1 && args[0] === '--help') {
    io.stdout.write(`${utility.usage}\n`);
    return EXIT.ok;
  }
  return utility.run(args, io);
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    const invoked = invokedName(argv);
    const utility = invoked === 'octant' || invoked === 'main' ? undefined : findUtility(invoked);
    if (utility !== undefined) return await runUtility(utility, argv.slice(2), io);
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
  prepareSnapshot(loadCommands, run);
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
