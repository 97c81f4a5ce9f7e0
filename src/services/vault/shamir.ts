// Shamir secret sharing over GF(2^8) (Shamir 1979, "How to share a secret").
// Each byte of the secret is the constant term of its own random polynomial
// of degree k-1; share x holds every polynomial evaluated at x (1..255).
// Any k shares give the secret by Lagrange interpolation at 0; fewer give
// no information. Field: GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1.

import { randomBytes } from 'node:crypto';
import { OctantError, EXIT } from '../../lib/errors.ts';

// exp/log tables over the generator 3 (0x03 generates the multiplicative group).
const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x ^= (x << 1) ^ ((x & 0x80) !== 0 ? 0x11b : 0); // x * 3 = x*2 xor x, reduced
    x &= 0xff;
  }
  for (let i = 255; i < 510; i++) EXP[i] = EXP[i - 255];
}

function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

function div(a: number, b: number): number {
  if (b === 0) throw new RangeError('division by zero in GF(256)');
  return a === 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]];
}

export interface Share {
  x: number;
  y: Buffer;
}

function shareError(message: string): OctantError {
  return new OctantError('E_VAULT_SHARE', message, { exit: EXIT.usage });
}

/** Split `secret` into n shares, any `threshold` of which recover it. */
export function split(secret: Buffer, n: number, threshold: number): Share[] {
  if (!Number.isInteger(n) || n < 2 || n > 255) throw shareError(`--shares: expected 2..255, got ${n}`);
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > n) throw shareError(`--threshold: expected 2..${n}, got ${threshold}`);
  const shares = Array.from({ length: n }, (_, i) => ({ x: i + 1, y: Buffer.alloc(secret.length) }));
  const coeff = Buffer.alloc(threshold);
  for (let byte = 0; byte < secret.length; byte++) {
    coeff[0] = secret[byte];
    randomBytes(threshold - 1).copy(coeff, 1);
    for (const share of shares) {
      // Horner's rule, highest coefficient first.
      let y = 0;
      for (let c = threshold - 1; c >= 0; c--) y = mul(y, share.x) ^ coeff[c];
      share.y[byte] = y;
    }
  }
  coeff.fill(0);
  return shares;
}

/** Lagrange interpolation at x = 0 over the given shares. */
export function combine(shares: readonly Share[]): Buffer {
  if (shares.length < 2) throw shareError(`need at least 2 shares, got ${shares.length}`);
  const length = shares[0].y.length;
  const xs = new Set<number>();
  for (const s of shares) {
    if (s.y.length !== length) throw shareError(`share ${s.x}: length ${s.y.length} differs from ${length}`);
    if (xs.has(s.x)) throw shareError(`share ${s.x} was given twice`);
    xs.add(s.x);
  }
  const out = Buffer.alloc(length);
  for (let i = 0; i < shares.length; i++) {
    // basis_i(0) = prod_{j != i} x_j / (x_j - x_i); subtraction is xor in GF(2^8).
    let basis = 1;
    for (let j = 0; j < shares.length; j++) {
      if (j !== i) basis = mul(basis, div(shares[j].x, shares[j].x ^ shares[i].x));
    }
    for (let b = 0; b < length; b++) out[b] ^= mul(shares[i].y[b], basis);
  }
  return out;
}

const SHARE_RE = /^octant-share-1-(\d{1,3})-([0-9a-f]+)$/;

/** Text form printed by `octant vault init --shares`: octant-share-1-<x>-<hex>. */
export function encodeShare(share: Share): string {
  return `octant-share-1-${share.x}-${share.y.toString('hex')}`;
}

export function decodeShare(text: string): Share {
  const m = SHARE_RE.exec(text.trim());
  const x = m === null ? NaN : Number(m[1]);
  if (m === null || x < 1 || x > 255 || m[2].length % 2 !== 0) {
    throw shareError('a share is malformed (expected octant-share-1-<x>-<hex>)');
  }
  return { x, y: Buffer.from(m[2], 'hex') };
}
