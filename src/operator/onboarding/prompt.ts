// Plain questions on the terminal for the onboarding steps (echoed input;
// secrets go through cli/vault-input.ts promptHidden instead). Only used
// when stdin is a terminal: every answer also has a flag, so scripts and
// tests never need one.

import type { ReadStream } from 'node:tty';
import type { Io } from '../../lib/io.ts';

export function interactive(io: Io): boolean {
  return (io.stdin as ReadStream).isTTY === true;
}

/** One line from stdin (without its newline); '' at end of input. */
export function askLine(io: Io, question: string): Promise<string> {
  io.stderr.write(question);
  const stdin = io.stdin;
  return new Promise((resolve) => {
    let text = '';
    const done = (): void => {
      stdin.off('data', onData);
      stdin.off('end', done);
      stdin.pause();
      resolve(text.replace(/\r?\n[\s\S]*$/, ''));
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (text.includes('\n')) done();
    };
    stdin.on('data', onData);
    stdin.on('end', done);
    stdin.resume();
  });
}

/** Yes unless the answer starts with n (the default shown as [Y/n]). */
export async function askYes(io: Io, question: string): Promise<boolean> {
  return !/^\s*n/i.test(await askLine(io, question));
}
