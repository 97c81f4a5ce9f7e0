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

export const catUtility: Utility = {
  name: 'cat',
  usage: 'cat [FILE]...: print files, or standard input, to standard output',
  run: async (argv, io) => {
    let status = 0;
    for (const name of argv.length === 0 ? ['-'] : argv) {
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
