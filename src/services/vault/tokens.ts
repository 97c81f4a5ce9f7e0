// Scoped tokens: one per agent, over the secret names its manifest grants,
// with a TTL and an optional use limit. A token is 256 random bits; only its
// SHA-256 is kept, so a memory dump of the vault yields no usable token.

import { hash, randomBytes } from 'node:crypto';
import { OctantError, EXIT } from '../../lib/errors.ts';
import { equalConstantTime } from './crypto.ts';

export const TOKEN_PREFIX = 'ovt_';

export interface TokenRecord {
  agent: string;
  /** Principals the secrets' grant lists are matched against. */
  principals: string[];
  /** Secret names from the manifest's `credentials` list. */
  grants: ReadonlySet<string>;
  expiresAt: number;
  usesLeft: number; // Infinity when unlimited
  hash: Buffer;
}

/** Why a token was refused; recorded in the ledger, never told to the caller. */
export type TokenRefusal = 'unknown' | 'expired' | 'exhausted';

export function tokenError(): OctantError {
  // One message for every refusal: the caller learns nothing about why.
  return new OctantError('E_VAULT_TOKEN', 'vault: the token is not valid', { exit: EXIT.denied });
}

function hashOf(token: string): Buffer {
  // One-shot: no Hash object per check (every injection checks a token).
  return hash('sha256', token, 'buffer');
}

export class TokenTable {
  readonly #byHash = new Map<string, TokenRecord>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  issue(agent: string, principals: string[], grants: readonly string[], ttlSeconds: number, maxUses?: number): string {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new OctantError('E_VAULT_TOKEN_OPTIONS', `ttlSeconds: expected a positive number, got ${ttlSeconds}`);
    if (maxUses !== undefined && (!Number.isInteger(maxUses) || maxUses <= 0)) throw new OctantError('E_VAULT_TOKEN_OPTIONS', `maxUses: expected a positive integer, got ${maxUses}`);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const hash = hashOf(token);
    this.#byHash.set(hash.toString('hex'), {
      agent, principals, grants: new Set(grants), hash,
      expiresAt: this.#now() + ttlSeconds * 1000,
      usesLeft: maxUses ?? Infinity,
    });
    return token;
  }

  /**
   * Find the live record of `token` without spending a use. The map lookup is
   * by SHA-256 (the token itself never drives a comparison); the final check
   * compares the stored hash in constant time.
   */
  check(token: string): TokenRecord | TokenRefusal {
    const hash = hashOf(token);
    const record = this.#byHash.get(hash.toString('hex'));
    if (record === undefined || !equalConstantTime(record.hash, hash)) return 'unknown';
    if (this.#now() >= record.expiresAt) {
      this.#byHash.delete(hash.toString('hex'));
      return 'expired';
    }
    if (record.usesLeft <= 0) return 'exhausted';
    return record;
  }

  /** Spend one use of a record returned by check(). */
  spend(record: TokenRecord): void {
    record.usesLeft -= 1;
  }

  revokeAgent(agent: string): number {
    let n = 0;
    for (const [key, record] of this.#byHash) {
      if (record.agent === agent) {
        this.#byHash.delete(key);
        n += 1;
      }
    }
    return n;
  }

  /** Live tokens (expired ones are dropped as they are found). */
  count(): number {
    const now = this.#now();
    for (const [key, record] of this.#byHash) if (now >= record.expiresAt) this.#byHash.delete(key);
    return this.#byHash.size;
  }

  clear(): void {
    for (const record of this.#byHash.values()) record.hash.fill(0);
    this.#byHash.clear();
  }
}
