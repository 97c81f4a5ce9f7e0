// The build hash stamped onto the end of the executable, so `--version` can
// print it without reading 100+ MB (a file cannot contain its own hash, so
// the hash covers everything before the stamp).
//
// Layout: the executable's bytes, then exactly STAMP_LENGTH bytes:
//   "\nOCTANT-SHA256 " + 64 lowercase hex digits + "\n"
// An ELF loader ignores bytes after the last segment, and Node finds its
// single-executable blob through the ELF note in memory, so the trailer
// changes nothing at run time. Anyone can check it without octant:
//   head -c -80 dist/octant | sha256sum      (the hash `--version` prints)
//   tail -c 80 dist/octant                    (the stamp)
// `octant verify-self` does the same.

import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';

const PREFIX = '\nOCTANT-SHA256 ';
export const STAMP_LENGTH = PREFIX.length + 64 + 1;

/** The trailer for a given hash. */
export function stampFor(sha256: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`self-stamp: not a SHA-256 hex digest: ${sha256}`);
  return Buffer.from(`${PREFIX}${sha256}\n`, 'latin1');
}

/** The hash a trailer states, or undefined when `tail` is not a stamp. */
export function parseStamp(tail: Buffer): string | undefined {
  if (tail.length !== STAMP_LENGTH) return undefined;
  const match = /^\nOCTANT-SHA256 ([0-9a-f]{64})\n$/.exec(tail.toString('latin1'));
  return match?.[1];
}

/** The stamped hash of `file` (one read of its last bytes), or undefined when it carries none. */
export function readStamp(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    return stampAt(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

function stampAt(fd: number, size: number): string | undefined {
  if (size < STAMP_LENGTH) return undefined;
  const tail = Buffer.alloc(STAMP_LENGTH);
  readSync(fd, tail, 0, STAMP_LENGTH, size - STAMP_LENGTH);
  return parseStamp(tail);
}

export interface SelfCheck {
  /** The hash the stamp states (undefined: no stamp). */
  stamped: string | undefined;
  /** The hash of the bytes before the stamp (of the whole file when there is none). */
  actual: string;
  ok: boolean;
}

/** Recompute the hash of `file` without its stamp and compare it with the
 *  stamp; one descriptor for the size, the stamp and the bytes hashed. */
export async function checkStamp(file: string): Promise<SelfCheck> {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  let stamped: string | undefined;
  try {
    stamped = stampAt(fd, size);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const length = stamped === undefined ? size : size - STAMP_LENGTH;
  const hash = createHash('sha256');
  if (length === 0) closeSync(fd);
  else {
    // The stream closes the descriptor when it ends or fails.
    for await (const chunk of createReadStream('', { fd, start: 0, end: length - 1, autoClose: true })) hash.update(chunk as Buffer);
  }
  const actual = hash.digest('hex');
  return { stamped, actual, ok: stamped !== undefined && stamped === actual };
}

/** SHA-256 of a buffer, as build time computes the stamp. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
