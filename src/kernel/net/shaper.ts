// Bandwidth shaping for the egress proxy: one token bucket per direction,
// shared by every connection of the agent, so the policy's throughput limit
// bounds the agent and not each socket.
//
// The bucket lends: a chunk larger than the tokens on hand is let through
// after a wait that repays the debt at the configured rate, so the long-run
// rate is exact and no chunk waits forever.

import { Transform, type TransformCallback } from 'node:stream';

export type Clock = () => number; // milliseconds

export class TokenBucket {
  readonly rate: number; // bytes per second
  readonly burst: number; // bytes
  private tokens: number;
  private last: number;
  private readonly now: Clock;

  constructor(rateBytesPerSec: number, burstBytes: number, now: Clock = () => performance.now()) {
    if (!(rateBytesPerSec > 0) || !(burstBytes > 0)) throw new RangeError('token bucket: rate and burst must be positive');
    this.rate = rateBytesPerSec;
    this.burst = burstBytes;
    this.now = now;
    this.tokens = burstBytes;
    this.last = now();
  }

  /** Tokens available right now (negative while in debt). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Take `bytes`; returns how many ms the caller must wait before sending them. */
  take(bytes: number): number {
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.rate);
  }
}

/** A pass-through stream that releases bytes no faster than the bucket allows. */
export function shapedStream(bucket: TokenBucket | undefined): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (bucket === undefined) {
        callback(null, chunk);
        return;
      }
      // Slice so one big write cannot borrow more than a burst at once.
      const pieces: Buffer[] = [];
      for (let i = 0; i < chunk.length; i += bucket.burst) pieces.push(chunk.subarray(i, i + bucket.burst));
      const next = (): void => {
        const piece = pieces.shift();
        if (piece === undefined) {
          callback();
          return;
        }
        const wait = bucket.take(piece.length);
        const send = (): void => {
          this.push(piece);
          next();
        };
        if (wait > 0) setTimeout(send, wait);
        else send();
      };
      next();
    },
  });
}

/** Buckets for both directions at the policy's limit; undefined = unshaped. */
export function bucketsFor(netBytesPerSec: number | undefined, now?: Clock): { up?: TokenBucket; down?: TokenBucket } {
  if (netBytesPerSec === undefined) return {};
  // A burst of a quarter second (at least 16 KiB) keeps small requests snappy.
  const burst = Math.max(16 * 1024, Math.floor(netBytesPerSec / 4));
  return { up: new TokenBucket(netBytesPerSec, burst, now), down: new TokenBucket(netBytesPerSec, burst, now) };
}
