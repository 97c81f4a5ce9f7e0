// A strict JSON request body for HTTP surfaces that face untrusted clients.
// Refused before any parsing work: a body over the byte cap (413), invalid
// UTF-8, nesting deeper than maxDepth (JSON.parse of 16 MiB of '[' takes
// seconds and JSON.stringify of the result overflows the stack; the scan
// stops at the first bracket too many), and escaped lone surrogates
// (I-JSON, RFC 7493 §2.1: they have no UTF-8 form, the ledger refuses them).
// An oversize body is still read and thrown away (up to DRAIN_FACTOR times
// the limit) so that the 413 reply reaches the client: closing a socket with unread
// input makes the kernel answer with a reset, which destroys the reply.

import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { EXIT, OctantError } from './errors.ts';

export interface JsonBodyOptions {
  /** Largest body in bytes. */
  limit: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
}

/** How much of an oversize body is read and dropped, in limits, before the connection is cut. */
const DRAIN_FACTOR = 4;

const tooLarge = (limit: number): OctantError =>
  new OctantError('E_BODY_TOO_LARGE', `request body over ${limit} bytes`, { exit: EXIT.usage, detail: { status: 413 } });

const malformed = (why: string): OctantError => new OctantError('E_BODY_JSON', `request body: ${why}`, { exit: EXIT.usage, detail: { status: 400 } });

/** Read, check and parse one JSON body. Throws OctantError with detail.status 413 or 400. */
export function readJsonBody(req: IncomingMessage, options: JsonBodyOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: Error | undefined, value?: unknown): void => {
      if (done) return;
      done = true;
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    const overflow = (): void => {
      finish(tooLarge(options.limit));
      // Drain: keep reading (and dropping) so the reply is not lost to a
      // reset; a client that sends far more than the limit is cut off.
      let drained = 0;
      req.removeAllListeners('data');
      req.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > DRAIN_FACTOR * options.limit) req.destroy();
      });
      req.resume();
    };
    const declared = Number(req.headers['content-length']);
    if (declared > options.limit) return overflow();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.limit) return overflow();
      chunks.push(chunk);
    });
    req.once('error', (error) => finish(error));
    req.once('close', () => finish(Object.assign(new Error('request closed before its body ended'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })));
    req.once('end', () => {
      try {
        // One chunk is the common case for a small body: no copy.
        finish(undefined, parseStrictJson(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size), options.maxDepth));
      } catch (error) {
        finish(error as Error);
      }
    });
  });
}

/** Parse JSON bytes with the checks above (valid UTF-8, bounded depth, no lone surrogates). */
export function parseStrictJson(bytes: Uint8Array, maxDepth: number): unknown {
  if (bytes.length === 0) throw malformed('empty; expects a JSON object');
  // Checked, not replaced: a decoder would turn bad bytes into U+FFFD silently.
  if (!isUtf8(bytes)) throw malformed('not valid UTF-8');
  scan(bytes, maxDepth);
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch (error) {
    throw malformed(`not valid JSON (${(error as Error).message})`);
  }
}

const hexValue = (b: number): number => (b >= 0x30 && b <= 0x39 ? b - 0x30 : (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66 ? (b | 0x20) - 0x57 : -1);

/** The UTF-16 code unit of a \uXXXX escape starting at i (the backslash), or -1. */
function escapedUnit(bytes: Uint8Array, i: number): number {
  if (bytes[i] !== 0x5c || bytes[i + 1] !== 0x75 || i + 5 >= bytes.length) return -1;
  let unit = 0;
  for (let k = 2; k < 6; k++) {
    const h = hexValue(bytes[i + k]);
    if (h < 0) return -1;
    unit = unit * 16 + h;
  }
  return unit;
}

/**
 * One pass over the bytes: bracket depth outside strings, surrogate escapes
 * inside. Inside a string it jumps from one quote or backslash to the next
 * with indexOf (memchr), so a 16 MiB prompt costs about what decoding it does.
 */
function scan(bytes: Uint8Array, maxDepth: number): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let depth = 0;
  let backslash = buf.indexOf(0x5c);
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x22) {
      // A string: find its closing quote, handling each escape on the way.
      if (backslash >= 0 && backslash < i) backslash = buf.indexOf(0x5c, i); // one outside strings: not JSON, parse refuses it
      for (;;) {
        const quote = buf.indexOf(0x22, i + 1);
        if (quote < 0) return; // unterminated: JSON.parse says so
        if (backslash < 0 || backslash > quote) {
          i = quote;
          break;
        }
        i = escape(buf, backslash);
        backslash = buf.indexOf(0x5c, i + 1);
      }
    } else if (b === 0x7b || b === 0x5b) {
      if (++depth > maxDepth) throw malformed(`nested deeper than ${maxDepth} levels`);
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
}

/** Check the escape at i (a backslash inside a string); returns the index of its last byte. */
function escape(bytes: Uint8Array, i: number): number {
  const unit = escapedUnit(bytes, i);
  if (unit >= 0xd800 && unit <= 0xdbff) {
    const low = escapedUnit(bytes, i + 6);
    if (low < 0xdc00 || low > 0xdfff) throw malformed(`lone surrogate \\u${unit.toString(16)} at byte ${i} (I-JSON, RFC 7493 §2.1)`);
    return i + 11;
  }
  if (unit >= 0xdc00 && unit <= 0xdfff) throw malformed(`lone surrogate \\u${unit.toString(16)} at byte ${i} (I-JSON, RFC 7493 §2.1)`);
  return i + 1; // the escaped character (for \uXXXX its hex digits are plain bytes)
}
