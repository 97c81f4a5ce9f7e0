// Reading passphrases, shares and secret values for `octant vault`: from a
// file descriptor the caller opened (--passphrase-fd N, --share-fd N), or
// from the terminal with echo off. Never from argv or the environment, where
// other processes (ps, /proc/<pid>/environ) could read them.

import { readFileSync } from 'node:fs';
import type { ReadStream } from 'node:tty';
import { OctantError, EXIT, messageOf, usageError } from '../../lib/errors.ts';
import type { Io } from '../../lib/io.ts';

const MAX_INPUT = 64 * 1024;

function parseFd(flag: string, value: string): number {
  const fd = Number(value);
  if (!/^\d+$/.test(value) || fd < 3) throw usageError(`${flag}: expected a file descriptor number of 3 or more, got '${value}'`, '0-2 are the standard streams');
  return fd;
}

/** Strip one trailing newline (what `echo` and editors add). */
function chomp(data: Buffer): Buffer {
  let end = data.length;
  if (end > 0 && data[end - 1] === 0x0a) end--;
  if (end > 0 && data[end - 1] === 0x0d) end--;
  return data.subarray(0, end);
}

/** Everything readable from fd N (until EOF). */
export function readFd(flag: string, value: string): Buffer {
  const fd = parseFd(flag, value);
  try {
    const data = readFileSync(fd);
    if (data.length > MAX_INPUT) throw usageError(`${flag}: more than ${MAX_INPUT} bytes`);
    return data;
  } catch (error) {
    if (error instanceof OctantError) throw error;
    throw usageError(`${flag} ${value}: cannot read: ${messageOf(error)}`);
  }
}

function isTty(io: Io): boolean {
  return (io.stdin as ReadStream).isTTY === true;
}

/** Read one line from the terminal with echo off. The bytes live in one Buffer the caller wipes. */
export function promptHidden(io: Io, label: string): Promise<Buffer> {
  const stdin = io.stdin as ReadStream;
  if (!isTty(io)) {
    return Promise.reject(usageError(`${label.replace(/:\s*$/, '')}: no terminal to prompt on`, 'pass it on a file descriptor, e.g. --passphrase-fd 3 3<file'));
  }
  const buffer = Buffer.alloc(4096);
  let length = 0;
  // Echo off before the prompt shows, so nothing typed right after it is echoed.
  stdin.setRawMode(true);
  io.stderr.write(label);
  stdin.resume();
  return new Promise<Buffer>((resolve, reject) => {
    const done = (error?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) {
        buffer.fill(0);
        reject(error);
      } else resolve(buffer.subarray(0, length));
    };
    const onData = (chunk: Buffer): void => {
      for (const byte of chunk) {
        if (byte === 0x0d || byte === 0x0a) return done();
        if (byte === 0x03) return done(new OctantError('E_CANCELLED', 'cancelled', { exit: EXIT.failure }));
        if (byte === 0x7f || byte === 0x08) length = Math.max(0, length - 1);
        else if (length < buffer.length) buffer[length++] = byte;
      }
      chunk.fill(0);
    };
    stdin.on('data', onData);
  });
}

/** The passphrase from --passphrase-fd, else the terminal (twice when `confirm`). */
export async function readPassphrase(io: Io, fdFlag: string | undefined, confirm = false): Promise<Buffer> {
  if (fdFlag !== undefined) {
    const raw = readFd('--passphrase-fd', fdFlag);
    const pass = Buffer.from(chomp(raw));
    raw.fill(0);
    if (pass.length === 0) throw usageError('--passphrase-fd: the passphrase is empty');
    return pass;
  }
  const pass = await promptHidden(io, 'vault passphrase: ');
  if (confirm) {
    const again = await promptHidden(io, 'again: ');
    const same = again.equals(pass);
    again.fill(0);
    if (!same) {
      pass.fill(0);
      throw usageError('the two passphrases differ');
    }
  }
  if (pass.length === 0) throw usageError('the passphrase is empty');
  return pass;
}

/** Shares, one per line, from each --share-fd. */
export function readShares(fds: readonly string[]): string[] {
  return fds.flatMap((fd) => readFd('--share-fd', fd).toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== ''));
}

/** A secret value: the terminal with echo off, or all of stdin when it is a pipe or file. */
export async function readValue(io: Io): Promise<Buffer> {
  if (isTty(io)) return promptHidden(io, 'secret value: ');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += b.length;
    if (size > MAX_INPUT) throw usageError(`secret value: more than ${MAX_INPUT} bytes on stdin`);
    chunks.push(b);
  }
  const all = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0);
  const value = Buffer.from(chomp(all));
  all.fill(0);
  if (value.length === 0) throw usageError('secret value: stdin is empty');
  return value;
}
