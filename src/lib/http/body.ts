// The one request-body reader of every HTTP surface, and the limits it and
// the connection handling (serve.ts) enforce, in one place.
//
// An oversize body is refused (413) without destroying the request, which
// would destroy the socket before the reply is written (the client would
// see a reset instead of the 413): the reader stops keeping bytes, drops the
// rest of the body (up to DRAIN_FACTOR times the limit, within the body
// time), then the 413 goes out and the connection closes after it
// (serve.ts). A body that does not arrive within the body time is refused
// 408, its connection closed the same way.

import type { IncomingMessage } from 'node:http';
import { parseJsonBody } from '../json-body.ts';
import { refusal, type Surface } from './errors.ts';

export interface HttpLimits {
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** Deepest nesting of arrays and objects in a body (lib/json-body.ts). */
  maxDepth: number;
  /**
   * Time a connection has to send a whole request head: from connecting,
   * and on a keep-alive connection from its previous reply (so it is also
   * the idle limit between requests).
   */
  headTimeoutMs: number;
  /** Time a request has to send its whole body once its head is in. */
  bodyTimeoutMs: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  maxBodyBytes: 1 << 20,
  maxDepth: 64,
  headTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
};

/**
 * How much of an oversize body is read and dropped, in limits, before the
 * 413 goes out anyway. Replying while the client is still sending, then
 * closing, would make the kernel answer its next bytes with a reset (on
 * TCP), which can destroy the reply before the client reads it.
 */
const DRAIN_FACTOR = 4;

/** The whole body, parsed strictly (undefined when there is none); OctantErrors named for the surface. */
export function readBody(req: IncomingMessage, limits: HttpLimits, surface: Surface): Promise<unknown> {
  const max = limits.maxBodyBytes;
  const tooLarge = (size: string) => refusal(surface, 'BODY_TOO_LARGE', `request body of ${size} exceeds the limit of ${max} bytes`);
  const declared = Number(req.headers['content-length'] ?? 0);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    /** Set once the body is known to be too large: the refusal sent when the drain ends. */
    let refusing: Error | undefined;
    const finish = (error: Error | undefined, value?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd);
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => finish(refusing ?? refusal(surface, 'BODY_TIMEOUT', `the request body did not arrive within ${limits.bodyTimeoutMs} ms`)), limits.bodyTimeoutMs);
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (refusing === undefined && size <= max) {
        chunks.push(chunk);
        return;
      }
      if (refusing === undefined) {
        refusing = tooLarge(`more than ${max} bytes`);
        chunks.length = 0;
      }
      // Dropped; past the drain allowance the refusal goes out (and the connection closes after it).
      if (size > DRAIN_FACTOR * max) finish(refusing);
    };
    const onEnd = (): void => {
      if (refusing !== undefined) return finish(refusing);
      try {
        // Strict I-JSON: nesting depth, non-finite numbers, lone surrogates, UTF-8 (lib/json-body.ts).
        // One chunk is the common case for a small body: no copy.
        const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
        finish(undefined, parseJsonBody(bytes, { code: `${surface.prefix}_BODY`, label: `${surface.label}: request body`, maxDepth: limits.maxDepth }));
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    };
    // A declared length over the limit is known to be refused before a byte is read; none is kept.
    if (declared > max) refusing = tooLarge(`${declared} bytes`);
    // A client that goes away mid-body ends the wait (after 'end' this settles nothing).
    const gone = (): void => finish(refusal(surface, 'BODY', 'the client went away before the whole body arrived'));
    req.on('data', onData).on('end', onEnd).once('error', (error) => finish(error)).once('close', gone);
  });
}
