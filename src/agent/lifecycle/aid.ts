// Agent identifiers (AIDs): `agt_` + 26 Crockford base32 characters, laid
// out like a ULID (https://github.com/ulid/spec): a 48-bit millisecond
// timestamp, then 80 random bits. Sorting AIDs as strings sorts them by
// creation time; within one millisecond the random part is incremented, so
// one generator never repeats and never goes backwards.

import { randomBytes } from 'node:crypto';
import { OctantError } from '../../lib/errors.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U
const PATTERN = /^agt_[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const MAX_TIME = 2 ** 48 - 1;
const MAX_RANDOM = (1n << 80n) - 1n;

function encode(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export type AidGenerator = () => string;

/** A generator of AIDs; `now` and `random` are injectable for tests. */
export function createAidGenerator(now: () => number = Date.now, random: (bytes: number) => Buffer = randomBytes): AidGenerator {
  let lastTime = -1;
  let lastRandom = 0n;
  return () => {
    let time = Math.floor(now());
    if (!(time >= 0 && time <= MAX_TIME)) throw new OctantError('E_AID_CLOCK', `clock value ${time} does not fit a 48-bit AID timestamp`);
    // A clock that steps back keeps the last time, so order still holds.
    if (time <= lastTime) {
      time = lastTime;
      if (lastRandom === MAX_RANDOM) throw new OctantError('E_AID_EXHAUSTED', `more than 2^80 AIDs in millisecond ${time}`);
      lastRandom += 1n;
    } else {
      lastTime = time;
      lastRandom = BigInt(`0x${random(10).toString('hex')}`);
    }
    return `agt_${encode(BigInt(time), 10)}${encode(lastRandom, 16)}`;
  };
}

export function isAid(value: string): boolean {
  return PATTERN.test(value);
}

/** The creation time (ms since the epoch) carried by an AID. */
export function aidTime(aid: string): number {
  if (!isAid(aid)) throw new OctantError('E_AID_INVALID', `'${aid}' is not an agent id (agt_ + 26 Crockford base32 characters)`);
  let value = 0;
  for (const ch of aid.slice(4, 14)) value = value * 32 + ALPHABET.indexOf(ch);
  return value;
}
