// The standard streams a command or utility works with, passed in so tests
// can capture them instead of touching the process's own.

import type { Readable, Writable } from 'node:stream';

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return {
    // A getter: Node builds process.stdin (a stream over a pipe, file or
    // TTY, with the modules behind it) on first access, and most commands,
    // boot among them, never read it.
    get stdin() { return process.stdin; },
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  };
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Print a value as indented JSON (for --json output). */
export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
