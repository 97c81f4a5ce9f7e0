// cat [FILE...]: concatenate files ('-' or none means standard input).
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Utility } from './utility.ts';

async function copy(from: Readable, to: NodeJS.WritableStream): Promise<void> {
  for await (const chunk of from) {
    if (!to.write(chunk as Buffer)) await new Promise((r) => to.once('drain', r));
  }
}

function invalid(io: { stderr: NodeJS.WritableStream }, what: string): number {
  io.stderr.write(`cat: ${what}\nTry 'octant help cat' for more information.\n`);
  return 1;
}

export const catUtility: Utility = {
  name: 'cat',
  usage: 'cat [-u] [FILE]...: print files, or standard input (- or none), to standard output',
  run: async (argv, io) => {
    // Options as GNU cat parses them: '-u' is accepted and ignored (output is
    // never buffered beyond a chunk), '--' ends the options, '-' alone is
    // standard input. Anything else is an invalid option: exit 1, as GNU.
    const names: string[] = [];
    let options = true;
    for (const arg of argv) {
      if (options && arg === '--') { options = false; continue; }
      if (options && arg.startsWith('--')) return invalid(io, `unrecognized option '${arg}'`);
      if (options && arg.startsWith('-') && arg !== '-') {
        const bad = [...arg.slice(1)].find((f) => f !== 'u');
        if (bad !== undefined) return invalid(io, `invalid option -- '${bad}'`);
        continue;
      }
      names.push(arg);
    }
    let status = 0;
    for (const name of names.length === 0 ? ['-'] : names) {
      try {
        await copy(name === '-' ? io.stdin : createReadStream(resolve(io.cwd, name)), io.stdout);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        io.stderr.write(`cat: ${name}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : (error as Error).message}\n`);
        status = 1;
      }
    }
    return status;
  },
};
