// An Io held in memory: standard input from a string or buffer, standard
// output and error collected, so tests can run a command or a utility
// through the same `run(argv, io)` the executable uses.
import { PassThrough, Readable } from 'node:stream';
import type { Io } from './io.ts';

export interface MemoryIo {
  io: Io;
  stdout(): string;
  stderr(): string;
  stdoutBytes(): Buffer;
}

export function memoryIo(options: { stdin?: string | Buffer; cwd?: string; env?: Record<string, string | undefined> } = {}): MemoryIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const io: Io = {
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout,
    stderr,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  };
  return {
    io,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    stdoutBytes: () => Buffer.concat(out),
  };
}
